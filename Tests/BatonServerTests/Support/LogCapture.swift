import Foundation
import Logging
import Synchronization

/// Every line a daemon logged, with its metadata, so a test can say what was (and was not)
/// written: a token must never be.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
        if ProcessInfo.processInfo.environment["BATON_TEST_LOG"] != nil { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    var logger: Logger {
        Logger(label: "baton-test") { _ in Handler(capture: self) }
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.append("\(event.level) \(event.message) \(all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
        }
    }
}
