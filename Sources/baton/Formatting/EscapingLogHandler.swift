import Logging

/// `baton serve`'s text log, with control characters escaped in the message and metadata.
///
/// The daemon logs what commits hold (an author's name, a diagnostic quoting a manifest, a
/// rejected commit's message), and a journal or terminal would otherwise replay an ESC
/// sequence in it. The JSON log escapes them by itself; this wraps the text one.
struct EscapingLogHandler: LogHandler {
    var wrapped: any LogHandler

    var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.message = "\(Output.escaped(event.message.description))"
        event.metadata = event.metadata.map { $0.mapValues(Self.escaped) }
        wrapped.log(event: event)
    }

    static func escaped(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .string(let text): .string(Output.escaped(text))
        case .stringConvertible(let convertible): .string(Output.escaped(convertible.description))
        case .array(let values): .array(values.map(escaped))
        case .dictionary(let values): .dictionary(values.mapValues(escaped))
        }
    }
}
