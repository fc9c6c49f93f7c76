import BatonEngine
import BatonManifest
import BatonStore
import BatonTestSupport
import Foundation
import Testing

/// Secrets through a whole run: the outputs a task writes (the store row, the `.out` file and
/// what the next task receives) and the log tail an alert carries.
@Suite struct ExecutorRedactionTests {
    static func writeSecret(_ bench: RunExecutorTests.Bench, _ name: String, _ value: String) throws {
        let secrets = bench.temp.sub("state") + "/secrets"
        try FileManager.default.createDirectory(atPath: secrets, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: secrets + "/" + name, contents: Data(value.utf8), attributes: [.posixPermissions: 0o600]))
    }

    /// Every file under the run's state folder, read whole.
    static func filesHolding(_ text: String, under folder: String) -> [String] {
        let paths = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
        return paths.filter { path in
            let data = FileManager.default.contents(atPath: folder + "/" + path) ?? Data()
            return data.range(of: Data(text.utf8)) != nil
        }
    }

    @Test func outputsHoldingASecretAreStoredAndPassedOnRedacted() async throws {
        let bench = try RunExecutorTests.Bench()
        try Self.writeSecret(bench, "db", "pw-71c3e9d2")
        let json = RunExecutorTests.manifest(#"""
            {"id": "extract", "env": {"DB": {"secret": "db"}}, "run": "printf 'dsn=postgres://etl:%s@db/x\nrows=12\n' \"$DB\" >> $BATON_OUTPUT"},
            {"id": "load", "needs": ["extract"], "run": "printf '%s' \"$BATON_UPSTREAM_EXTRACT_dsn\" > $BATON_WORKSPACE/dsn"},
            {"id": "fails", "env": {"DB": {"secret": "db"}}, "run": "echo token=$DB >> $BATON_OUTPUT; exit 3"}
            """#)
        let result = try await bench.executor().execute(bench.request(json))
        #expect(result.tasks.map(\.state) == [.succeeded, .succeeded, .failed])
        #expect(result.tasks.first?.outputs == ["dsn": "postgres://etl:***@db/x", "rows": "12"])

        let runID = try #require(result.run.id)
        let attempts = try await bench.store.attempts(ofRun: runID)
        let extract = try #require(attempts.first { $0.taskID == "extract" })
        #expect(extract.outputs == ["dsn": "postgres://etl:***@db/x", "rows": "12"])
        // The downstream task received the redacted text, as documented.
        #expect(bench.read(bench.workspace(result) + "/dsn") == "postgres://etl:***@db/x")

        // Neither the `.out` files (of the task that succeeded nor of the one that failed), nor
        // the logs, nor the database hold the secret.
        let state = bench.temp.sub("state")
        let outFiles = (try FileManager.default.contentsOfDirectory(atPath: state + "/runs")).filter { $0.hasSuffix(".out") }
        #expect(outFiles.count == 2, "\(outFiles)")
        #expect(bench.read(state + "/runs/\(runID).fails.1.out") == "token=***\n")
        #expect(Self.filesHolding("pw-71c3e9d2", under: state).filter { !$0.hasPrefix("secrets/") } == [])
    }

    /// A failure alert carries the last lines of the failing task's log: a secret of several
    /// lines, or one where a long line is cut at 64 KiB, must not be in them.
    @Test func theLogTailOfAFailureAlertHoldsNoSecret() async throws {
        let bench = try RunExecutorTests.Bench()
        let key = "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END KEY-----"
        try Self.writeSecret(bench, "key", key)
        try Self.writeSecret(bench, "token", "tok-5512abcdef")
        let padding = 65_536 - 8
        let json = RunExecutorTests.manifest(#"""
            {"id": "leaky", "env": {"KEY": {"secret": "key"}, "TOKEN": {"secret": "token"}},
             "run": "printf 'key:\\n%s\\n' \"$KEY\"; head -c \#(padding) /dev/zero | tr '\\0' a; printf '%s\\n' \"$TOKEN\"; echo failing >&2; exit 1"}
            """#)
        let result = try await bench.executor().execute(bench.request(json))
        #expect(result.run.state == .failed)
        let runID = try #require(result.run.id)
        let attempt = try #require(try await bench.store.attempts(ofRun: runID).first)
        let log = bench.read(try #require(attempt.logPath))
        // What the daemon puts in a failure alert: the log's last lines.
        let tail = Array(log.split(separator: "\n").suffix(20).map(String.init))
        let event = AlertEvent(
            event: .failure, pipeline: "test", runID: result.run.id, state: "failed", scheduledTime: nil, commit: nil, author: nil,
            task: "leaky", reason: attempt.reason, logTail: tail)
        let shown = [String(decoding: event.json, as: UTF8.self), event.text, event.environment["BATON_ALERT_LOG"] ?? ""]
        for text in shown {
            for piece in ["MIIEvQ", "BEGIN KEY", "END KEY", "tok-55", "5512", "abcdef"] {
                #expect(!text.contains(piece), "\(piece) in \(text.prefix(200))")
            }
        }
        #expect(tail.contains { $0.hasSuffix(" stdout ***") })
        #expect(tail.contains { $0.hasSuffix("aaa***") })
    }
}
