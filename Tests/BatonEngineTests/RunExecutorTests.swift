import BatonEngine
import BatonManifest
import BatonStore
import BatonTestSupport
import Foundation
import Testing

/// The executor on real processes and a real SQLite store: DAG order and limits, `when` and
/// `if`, outputs, the clean environment, injection, secrets, retries, timeouts, cache and
/// resuming a failed run.
@Suite struct RunExecutorTests {
    /// A store, a state directory and a tree to run in.
    struct Bench {
        let temp: TemporaryDirectory
        let store: SQLiteStore
        let tree: String

        init() throws {
            temp = try TemporaryDirectory()
            store = try SQLiteStore(stateDirectory: temp.sub("state"))
            tree = temp.sub("tree")
            try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        }

        func executor(workers: Int = 4) -> RunExecutor {
            RunExecutor(store: store, stateDirectory: temp.sub("state"), workers: workers, jitter: { 0 })
        }

        /// Decodes a manifest with the real decoder, so tests use the language users write.
        func request(_ json: String, parameters: [String: String] = [:]) throws -> RunRequest {
            let file = ManifestFile(path: "test.json", bytes: Array(json.utf8))
            let pipeline = try #require(file.pipeline, "\(file.diagnostics.map(\.formatted))")
            let spec = JSONWriter.canonical(try JSONReader().read(Array(json.utf8)).root)
            return RunRequest(
                pipeline: pipeline, versionID: nil, commit: "0123456789abcdef0123456789abcdef01234567", treeRoot: tree,
                taskSpecs: TaskSpecs.canonical(fromSpec: spec), parameters: try RunParameters.resolve(pipeline.parameters, given: parameters))
        }

        func workspace(_ result: RunResult) -> String { temp.sub("state") + "/runs/\(result.run.id!)" }

        func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    }

    static func manifest(_ tasks: String, extra: String = "") -> String {
        #"{"apiVersion": "baton/v1", "kind": "Pipeline", "name": "test"\#(extra), "tasks": [\#(tasks)]}"#
    }

    func state(_ result: RunResult, _ id: String) -> TaskState? { result.tasks.first { $0.id == id }?.state }

    @Test func tasksRunInDependencyOrderAndNeverAboveMaxParallel() async throws {
        let bench = try Bench()
        // Each task logs its start and end; the log shows both the order and the overlap.
        let body = #"echo start $BATON_TASK_ID >> $BATON_WORKSPACE/trace; sleep 0.2; echo end $BATON_TASK_ID >> $BATON_WORKSPACE/trace"#
        let tasks = (1...6).map { #"{"id": "p\#($0)", "run": "\#(body)"}"# } + [#"{"id": "last", "needs": ["p1", "p2", "p3", "p4", "p5", "p6"], "run": "\#(body)"}"#]
        let result = try await bench.executor(workers: 8).execute(bench.request(Self.manifest(tasks.joined(separator: ","), extra: #", "maxParallel": 2"#)))
        #expect(result.run.state == .succeeded)
        let trace = bench.read(bench.workspace(result) + "/trace").split(separator: "\n")
        var running = 0, peak = 0
        for line in trace {
            running += line.hasPrefix("start") ? 1 : -1
            peak = max(peak, running)
        }
        #expect(peak == 2, "\(trace)")
        #expect(trace.suffix(2) == ["start last", "end last"])
        let attempts = try await bench.store.attempts(ofRun: try #require(result.run.id))
        #expect(attempts.count == 7)
        #expect(attempts.allSatisfy { $0.state == .succeeded && $0.exitCode == 0 && $0.pid != nil })
    }

    @Test func whenAndIfDecideWhichTasksRun() async throws {
        let bench = try Bench()
        let json = Self.manifest("""
            {"id": "extract", "run": "echo rows=0 >> $BATON_OUTPUT"},
            {"id": "load", "needs": ["extract"], "run": "exit 3"},
            {"id": "after-load", "needs": ["load"], "run": "true"},
            {"id": "page", "needs": ["load"], "when": "failure", "run": "true"},
            {"id": "cleanup", "needs": ["load"], "when": "always", "run": "true"},
            {"id": "report", "needs": ["extract"], "if": {"output": "extract.rows", "notEquals": "0"}, "run": "true"},
            {"id": "vacuum", "if": {"param": "full", "equals": "yes"}, "run": "true"}
            """, extra: #", "parameters": {"full": {"default": "no"}}"#)
        let result = try await bench.executor().execute(bench.request(json))
        #expect(state(result, "load") == .failed)
        #expect(result.tasks.first { $0.id == "load" }?.exitCode == 3)
        #expect(state(result, "after-load") == .skipped)
        #expect(state(result, "page") == .succeeded)
        #expect(state(result, "cleanup") == .succeeded)
        #expect(state(result, "report") == .skipped)
        #expect(state(result, "vacuum") == .skipped)
        // The failure was handled by `page`, so the run succeeds.
        #expect(result.run.state == .succeeded)

        let unhandled = try await bench.executor().execute(bench.request(Self.manifest(#"{"id": "a", "run": "false"}, {"id": "b", "needs": ["a"], "when": "always", "run": "true"}"#)))
        #expect(unhandled.run.state == .failed)
        let withParam = try await bench.executor().execute(bench.request(json, parameters: ["full": "yes"]))
        #expect(state(withParam, "vacuum") == .succeeded)
    }

    @Test func outputsReachDownstreamTasksAsEnvironment() async throws {
        let bench = try Bench()
        let json = Self.manifest("""
            {"id": "count-rows", "run": "printf 'rows=12\\\\nnote=a=b\\\\n' >> $BATON_OUTPUT"},
            {"id": "check", "needs": ["count-rows"], "run": "test \\"$BATON_UPSTREAM_COUNT_ROWS_rows\\" = 12 && test \\"$BATON_UPSTREAM_COUNT_ROWS_note\\" = a=b"}
            """)
        let result = try await bench.executor().execute(bench.request(json))
        #expect(result.run.state == .succeeded, "\(result.tasks)")
        #expect(result.tasks.first?.outputs == ["rows": "12", "note": "a=b"])
        let malformed = try await bench.executor().execute(bench.request(Self.manifest(#"{"id": "bad", "run": "echo 'no equals sign' >> $BATON_OUTPUT"}"#)))
        #expect(malformed.run.state == .failed)
        #expect(malformed.tasks.first?.reason?.contains("line 1") == true)
    }

    @Test func theEnvironmentIsCleanAndParametersCannotInjectCode() async throws {
        let bench = try Bench()
        let json = Self.manifest(#"""
            {"id": "env", "run": "env | sort > $BATON_WORKSPACE/env"},
            {"id": "echo", "run": "echo \"$BATON_PARAM_TARGET\" > $BATON_WORKSPACE/param"}
            """#, extra: #", "env": {"WAREHOUSE": "prod"}, "parameters": {"target": {}}"#)
        let hostile = "$(touch pwned); rm -rf x `touch pwned2`"
        let result = try await bench.executor().execute(bench.request(json, parameters: ["target": hostile]))
        #expect(result.run.state == .succeeded)
        let workspace = bench.workspace(result)
        let names = Set(bench.read(workspace + "/env").split(separator: "\n").compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        let expected: Set<String> = ["PATH", "HOME", "LANG", "WAREHOUSE", "BATON_PIPELINE", "BATON_RUN_ID", "BATON_TASK_ID", "BATON_ATTEMPT",
                                     "BATON_SCHEDULED_TIME", "BATON_COMMIT", "BATON_WORKSPACE", "BATON_OUTPUT", "BATON_PARAM_TARGET", "PWD", "SHLVL", "_"]
        #expect(names.subtracting(expected).isEmpty, "unexpected variables: \(names.subtracting(expected))")
        #expect(bench.read(workspace + "/env").contains("HOME=\(workspace)"))
        #expect(bench.read(workspace + "/param") == hostile + "\n")
        for root in [bench.tree, workspace, bench.temp.path] {
            #expect(!FileManager.default.fileExists(atPath: root + "/pwned"))
            #expect(!FileManager.default.fileExists(atPath: root + "/pwned2"))
        }
    }

    @Test func secretsAreRedactedAndLooseSecretFilesRefused() async throws {
        let bench = try Bench()
        let secrets = bench.temp.sub("state") + "/secrets"
        try FileManager.default.createDirectory(atPath: secrets, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: secrets + "/db", contents: Data("hunter2-very-secret\n".utf8), attributes: [.posixPermissions: 0o600])
        _ = FileManager.default.createFile(atPath: secrets + "/loose", contents: Data("visible".utf8), attributes: [.posixPermissions: 0o644])
        let json = Self.manifest(#"{"id": "use", "env": {"DB": {"secret": "db"}}, "run": "echo password is $DB; echo token=$DB >> $BATON_OUTPUT; exit 1"}"#)
        let result = try await bench.executor().execute(bench.request(json))
        let runID = try #require(result.run.id)
        let attempt = try #require(try await bench.store.attempts(ofRun: runID).first)
        let log = bench.read(try #require(attempt.logPath))
        #expect(log.contains("password is ***"))
        #expect(!log.contains("hunter2"))

        let loose = try await bench.executor().execute(bench.request(Self.manifest(#"{"id": "use", "retries": 2, "env": {"X": {"secret": "loose"}}, "run": "true"}"#)))
        #expect(loose.run.state == .failed)
        let reason = try #require(loose.tasks.first?.reason)
        #expect(reason.contains("loose") && reason.contains("600"), "\(reason)")
        #expect(loose.tasks.first?.attempts == 1, "a refused secret is not retried: a person must fix the file first")
        let missing = try await bench.executor().execute(bench.request(Self.manifest(#"{"id": "use", "env": {"X": {"secret": "nowhere"}}, "run": "true"}"#)))
        #expect(missing.tasks.first?.reason?.contains("nowhere") == true)
    }

    @Test func retriesWaitTheirDelayAndStopAtTheFirstSuccess() async throws {
        let bench = try Bench()
        // Fails on attempts 1 and 2, succeeds on 3.
        let json = Self.manifest(#"{"id": "flaky", "retries": 3, "retryDelay": "100ms", "retryBackoff": 2, "run": "test $BATON_ATTEMPT -ge 3"}"#)
        let started = Date()
        let result = try await bench.executor().execute(bench.request(json))
        let elapsed = Date().timeIntervalSince(started)
        #expect(result.run.state == .succeeded)
        #expect(result.tasks.first?.attempts == 3)
        #expect(elapsed >= 0.3, "100 ms then 200 ms of delay: \(elapsed)")
        let attempts = try await bench.store.attempts(ofRun: try #require(result.run.id))
        #expect(attempts.map(\.state) == [TaskState.failed, .failed, .succeeded])
        #expect(RunRules.retryDelay(beforeAttempt: 3, settings: TaskSettings(retryDelay: ManifestDuration(milliseconds: 100), retryBackoff: 2), jitter: 0) == .milliseconds(200))
        #expect(RunRules.retryDelay(beforeAttempt: 5, settings: TaskSettings(retryDelay: ManifestDuration(milliseconds: 100), retryBackoff: 2, retryMaxDelay: ManifestDuration(milliseconds: 300)), jitter: 1) == .milliseconds(330))
    }

    @Test func aTimeoutKillsTheWholeProcessGroup() async throws {
        let bench = try Bench()
        let json = Self.manifest(#"{"id": "hang", "timeout": "1s", "run": "sleep 1000 & sleep 1000"}"#)
        let result = try await bench.executor().execute(bench.request(json))
        #expect(result.run.state == .failed)
        #expect(state(result, "hang") == .timedOut)
        let runID = try #require(result.run.id)
        let attempt = try #require(try await bench.store.attempts(ofRun: runID).first)
        let pid = pid_t(try #require(attempt.pid))
        #expect(Self.liveMembers(ofGroup: pid).isEmpty, "the group of \(pid) still has running processes")
    }

    /// Processes of a group that are not zombies (PID 1 here reaps orphans late, so
    /// `kill(-pgid, 0)` alone would count the dead).
    static func liveMembers(ofGroup group: pid_t) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { Int32($0) != nil }.compactMap { pid -> String? in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, fields[0] != "Z", Int32(fields[2]) == group else { return nil }
            return pid
        }
    }

    @Test func thePipelinesTimeoutEndsTheRunAsTimedOut() async throws {
        let bench = try Bench()
        let json = Self.manifest(#"{"id": "slow", "run": "sleep 30"}, {"id": "after", "needs": ["slow"], "run": "true"}"#, extra: #", "timeout": "1s""#)
        let started = Date()
        let result = try await bench.executor().execute(bench.request(json))
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(result.run.state == .timedOut)
        #expect(result.run.reason?.contains("timeout") == true)
        #expect(state(result, "slow") == .cancelled)
        #expect(state(result, "after") == .cancelled)
        let runID = try #require(result.run.id)
        #expect(try await bench.store.run(id: runID)?.state == .timedOut)
    }

    @Test func httpTasksRunThroughTheExecutorWithSecretHeaders() async throws {
        let bench = try Bench()
        let server = try LoopbackServer()
        defer { server.stop() }
        let secrets = bench.temp.sub("state") + "/secrets"
        try FileManager.default.createDirectory(atPath: secrets, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: secrets + "/api", contents: Data("Bearer tok-5e3c1d".utf8), attributes: [.posixPermissions: 0o600])
        let json = Self.manifest("""
            {"id": "call", "http": {"url": "\(server.url("/echo/Authorization"))", "headers": {"Authorization": {"secret": "api"}}}},
            {"id": "bad", "needs": ["call"], "http": {"url": "\(server.url("/status/500"))", "expectStatus": [200]}}
            """)
        let result = try await bench.executor().execute(bench.request(json))
        #expect(state(result, "call") == .succeeded)
        #expect(state(result, "bad") == .failed)
        #expect(result.run.state == .failed)
        let runID = try #require(result.run.id)
        let attempts = try await bench.store.attempts(ofRun: runID)
        let call = try #require(attempts.first { $0.taskID == "call" })
        #expect(call.exitCode == 200)
        let log = bench.read(try #require(call.logPath))
        #expect(log.contains("you sent: ***"), "the server saw the secret; the log must not")
        #expect(!log.contains("tok-5e3c1d"))
        #expect(attempts.first { $0.taskID == "bad" }?.exitCode == 500)
    }

    @Test func aCachedTaskIsReusedUntilItsInputsChange() async throws {
        let bench = try Bench()
        try "v1".write(toFile: bench.tree + "/input.txt", atomically: false, encoding: .utf8)
        let json = Self.manifest(#"{"id": "build", "cache": {"inputs": ["input.txt"], "ttl": "1h"}, "run": "echo built=yes >> $BATON_OUTPUT"}, {"id": "use", "needs": ["build"], "run": "test \"$BATON_UPSTREAM_BUILD_built\" = yes"}"#)
        let first = try await bench.executor().execute(bench.request(json))
        let second = try await bench.executor().execute(bench.request(json))
        #expect(state(first, "build") == .succeeded)
        #expect(state(second, "build") == .cached)
        #expect(second.run.state == .succeeded)
        try "v2".write(toFile: bench.tree + "/input.txt", atomically: false, encoding: .utf8)
        let third = try await bench.executor().execute(bench.request(json))
        #expect(state(third, "build") == .succeeded)
    }

    @Test func retryResumesAFailedRunFromItsPointOfFailure() async throws {
        let bench = try Bench()
        let marker = bench.temp.sub("fixed")
        let counter = bench.temp.sub("extract-count")
        let json = Self.manifest("""
            {"id": "extract", "run": "echo x >> \(counter); echo rows=5 >> $BATON_OUTPUT"},
            {"id": "load", "needs": ["extract"], "run": "test -e \(marker) && test \\"$BATON_UPSTREAM_EXTRACT_rows\\" = 5"},
            {"id": "report", "needs": ["load"], "run": "true"}
            """)
        let failed = try await bench.executor().execute(bench.request(json))
        #expect(failed.run.state == .failed)
        #expect(state(failed, "report") == .skipped)
        _ = FileManager.default.createFile(atPath: marker, contents: nil)
        var again = try bench.request(json)
        again.trigger = .retry
        again.resume = (failed.run, try await bench.store.attempts(ofRun: try #require(failed.run.id)))
        let resumed = try await bench.executor().execute(again)
        #expect(resumed.run.state == .succeeded, "\(resumed.tasks)")
        #expect(resumed.run.retryOf == failed.run.id)
        #expect(bench.read(counter) == "x\n", "extract ran once: its result was kept")
        #expect(state(resumed, "load") == .succeeded)
        #expect(state(resumed, "report") == .succeeded)
    }

    @Test func parametersAreChecked() throws {
        let declared = [Parameter(name: "region", defaultValue: "us", allowed: ["us", "eu"]), Parameter(name: "day", required: true)]
        #expect(try RunParameters.resolve(declared, given: ["day": "2026-01-01"]) == ["region": "us", "day": "2026-01-01"])
        #expect { try RunParameters.resolve(declared, given: ["day": "x", "regoin": "eu"]) } throws: { "\($0)".contains("unknown parameter \"regoin\"") }
        #expect { try RunParameters.resolve(declared, given: ["day": "x", "region": "asia"]) } throws: { "\($0)".contains("allowed: us, eu") }
        #expect { try RunParameters.resolve(declared, given: [:]) } throws: { "\($0)".contains("\"day\" is required") }
    }
}
