import BatonEngine
import BatonTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Helpers for the process runner tests: a clean environment, a spec in a scratch folder,
/// the log's lines, and what `/proc` says about a process group.
enum ProcessTesting {
    static let environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"]

    static func spec(
        _ command: ProcessSpec.Command, in directory: TemporaryDirectory,
        environment: [String: String] = environment, timeout: Duration? = nil,
        killGrace: Duration = .seconds(10), redactions: [String] = [], logLimit: Int = 10 * 1024 * 1024
    ) -> ProcessSpec {
        ProcessSpec(
            command: command, workingDirectory: directory.path, environment: environment,
            logPath: directory.sub("logs/attempt-1.log"), timeout: timeout, killGrace: killGrace,
            redactions: redactions, logLimit: logLimit
        )
    }

    static func run(_ spec: ProcessSpec) async throws -> ProcessOutcome {
        try await ProcessRunner().run(spec) { _, _ in }
    }

    /// The log's lines, each split into (timestamp, stream, text).
    static func logLines(_ spec: ProcessSpec) throws -> [(time: String, stream: String, text: String)] {
        let text = try String(contentsOfFile: spec.logPath, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            return (String(parts[0]), String(parts[1]), parts.count > 2 ? String(parts[2]) : "")
        }
    }

    /// Field 22 of `/proc/<pid>/stat`; the command name may hold spaces, so count from `)`.
    static func statFields(_ pid: Int32) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // fields[0] is field 3 (state).
        return stat[stat.index(after: close)...].split(separator: " ")
    }

    /// Processes of `group` that still run (zombies waiting for init to reap them excluded).
    static func runningMembers(of group: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let fields = statFields(pid), fields.count > 2 else { return false }
            return Int32(fields[2]) == group && fields[0] != "Z" && fields[0] != "X"
        }
    }

    /// Waits until `kill(-group, 0)` says the group does not exist. Orphans are reaped by
    /// PID 1, which in a container may take a while and gives no event to wait for, so this
    /// one check polls (only zombies can remain: `runningMembers` is asserted empty first).
    static func groupVanishes(_ group: Int32, within limit: Duration = .seconds(30)) async -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + limit
        while clock.now < end {
            if kill(-group, 0) == -1 && errno == ESRCH { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}

/// Records what `started` was called with, for tests that look at the process while it runs.
final class StartedSignal: Sendable {
    let stream: AsyncStream<(Int32, Int64?)>
    private let continuation: AsyncStream<(Int32, Int64?)>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: (Int32, Int64?).self)
    }

    func callAsFunction(_ pid: Int32, _ startTime: Int64?) { continuation.yield((pid, startTime)) }

    func first() async -> (Int32, Int64?)? {
        for await value in stream { return value }
        return nil
    }
}
