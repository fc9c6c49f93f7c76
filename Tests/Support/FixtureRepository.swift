import Foundation

/// A working repository built with the `git` CLI, for tests only (the product never shells
/// out to git). Authors and dates come from the environment so ids and attributions are
/// deterministic.
public struct FixtureRepository: Sendable {
    public let path: String

    public struct Person: Sendable {
        public var name: String
        public var email: String
        public init(name: String, email: String) {
            self.name = name
            self.email = email
        }
        public static let ana = Person(name: "Ana Lima", email: "ana@example.com")
        public static let bo = Person(name: "Bo Chen", email: "bo@example.com")
        public static let cy = Person(name: "Cy Okafor", email: "cy@example.com")
        public static let dee = Person(name: "Dee Merger", email: "dee@example.com")
    }

    /// Seconds since the epoch handed to the next commit, increasing so the order is stable.
    private final class Clock: @unchecked Sendable { var seconds = 1_700_000_000 }
    private let clock = Clock()

    public init(at path: String) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try git("-c", "init.defaultBranch=main", "init", "-q")
    }

    @discardableResult
    public func git(_ arguments: String..., author: Person = .ana, committer: Person? = nil) throws -> String {
        try git(arguments, author: author, committer: committer)
    }

    @discardableResult
    public func git(_ arguments: [String], author: Person = .ana, committer: Person? = nil, environment extra: [String: String] = [:]) throws -> String {
        clock.seconds += 60
        let committer = committer ?? author
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_AUTHOR_NAME"] = author.name
        environment["GIT_AUTHOR_EMAIL"] = author.email
        environment["GIT_AUTHOR_DATE"] = "@\(clock.seconds) +0000"
        environment["GIT_COMMITTER_NAME"] = committer.name
        environment["GIT_COMMITTER_EMAIL"] = committer.email
        environment["GIT_COMMITTER_DATE"] = "@\(clock.seconds) +0000"
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["HOME"] = path
        environment.merge(extra) { _, new in new }
        return try Shell.run("/usr/bin/git", ["-C", path, "-c", "commit.gpgsign=false", "-c", "protocol.file.allow=always"] + arguments, environment: environment)
    }

    public func write(_ relativePath: String, _ contents: String, executable: Bool = false) throws {
        try write(relativePath, Data(contents.utf8), executable: executable)
    }

    public func write(_ relativePath: String, _ data: Data, executable: Bool = false) throws {
        let full = "\(path)/\(relativePath)"
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: full))
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: full) }
    }

    public func remove(_ relativePath: String) throws {
        try FileManager.default.removeItem(atPath: "\(path)/\(relativePath)")
    }

    public func symlink(_ relativePath: String, to target: String) throws {
        let full = "\(path)/\(relativePath)"
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: target)
    }

    /// Stages everything and commits; returns the new commit id.
    @discardableResult
    public func commit(_ message: String, author: Person = .ana, committer: Person? = nil) throws -> String {
        try git("add", "-A")
        try git("commit", "-q", "--allow-empty", "-m", message, author: author, committer: committer)
        return try head()
    }

    public func head() throws -> String { try revParse("HEAD") }

    public func revParse(_ revision: String) throws -> String {
        try git("rev-parse", revision).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A minimal valid-looking manifest body; BatonGit does not decode it.
    public static func manifest(_ name: String, cron: String = "0 2 * * *") -> String {
        """
        {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "\(name)", "schedule": {"cron": "\(cron)"}, "tasks": [{"id": "a", "run": "true"}]}

        """
    }
}

public enum Shell {
    public struct Failure: Error, CustomStringConvertible {
        public var command: String
        public var status: Int32
        public var output: String
        public init(command: String, status: Int32, output: String) {
            self.command = command
            self.status = status
            self.output = output
        }
        public var description: String { "\(command) exited \(status): \(output)" }
    }

    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw Failure(command: ([executable] + arguments).joined(separator: " "), status: process.terminationStatus, output: output)
        }
        return output
    }
}
