import Foundation

/// Runs the built `baton` executable as a user would, capturing output and exit status.
///
/// CLI tests run the real binary (not the command types in-process) so that argument parsing,
/// exit codes and what goes to stdout versus stderr are tested exactly as scripts see them.
struct BatonBinary {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `baton` executable SwiftPM built next to the test bundle, whatever the scratch path.
    static let url: URL = {
        let runner = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
        var directories = [Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL]
        // On Linux the runner sits in the products directory; on macOS it is inside the
        // .xctest bundle, a few levels below it.
        var walk = runner.deletingLastPathComponent()
        for _ in 0..<5 {
            directories.append(walk)
            walk = walk.deletingLastPathComponent()
        }
        return directories.lazy
            .map { $0.appendingPathComponent("baton") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
            ?? repositoryRoot.appendingPathComponent(".build/debug/baton")
    }()

    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? repositoryRoot
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read stderr on another thread so a large output on one pipe cannot block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let done = DispatchSemaphore(value: 0)
        let errHandle = err.fileHandleForReading
        Thread {
            errBox.data = errHandle.readDataToEndOfFile()
            done.signal()
        }.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        let errData = errBox.data
        process.waitUntilExit()
        // A crash is never an answer: report a signal as 128+N so no exit-code check passes.
        let status = process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
        return Result(
            status: status,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A scratch directory for one test, removed when the test is done with it.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("baton-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ relativePath: String, _ text: String) throws -> URL {
        let file = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file
    }
}

/// A small valid manifest with the given name.
func manifest(named name: String, extra: String = "") -> String {
    """
    {
      "apiVersion": "baton/v1",
      "kind": "Pipeline",
      "name": "\(name)",\(extra)
      "tasks": [{ "id": "a", "run": "true" }]
    }

    """
}
