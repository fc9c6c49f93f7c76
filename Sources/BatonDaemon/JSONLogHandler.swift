import BatonManifest
import Foundation
import Logging

/// One JSON object per line on standard error (`--log-format json`), for log shippers:
/// `time` (RFC 3339, UTC, to the millisecond), `level`, `message`, then the metadata as fields.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: Any] = [
            "time": RFC3339.utcString(Date()),
            "level": event.level.rawValue,
            "message": "\(event.message)",
            "logger": label,
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = Self.plain(value)
        }
        // Only strings, arrays and dictionaries of them: serializing cannot fail. A log
        // handler has nowhere to report its own failures, so the two `try?` here drop a line
        // rather than stop the daemon: `FileHandle.write(_:)` traps when the write fails
        // (standard error redirected to a file on a full disk), `write(contentsOf:)` throws.
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        line.append(0x0A)
        try? FileHandle.standardError.write(contentsOf: line)
    }

    static func plain(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): values.map(plain)
        case .dictionary(let values): values.mapValues(plain)
        }
    }
}
