import Foundation

/// A fresh directory per test, removed at the end, so tests can run in parallel without
/// sharing a file. Exported trees are read-only, so removal first makes everything writable.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init() throws {
        path = NSTemporaryDirectory() + "baton-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        _ = try? Process.run(URL(fileURLWithPath: "/bin/chmod"), arguments: ["-R", "u+w", path]).waitUntilExit()
        try? FileManager.default.removeItem(atPath: path)
    }

    public func sub(_ name: String) -> String { "\(path)/\(name)" }
}
