import BatonDaemon
import BatonEngine
import BatonOperations
import BatonStore
import BatonTestSupport
import Foundation
import Logging
import Testing

/// `retry`: queued for the daemon, which resumes the failed run keeping what succeeded;
/// the foreground form `baton retry` uses; and every refusal.
@Suite struct RetryOperationTests {
    /// `first` appends a line to `count` each time it runs; `second` fails until `marker` exists.
    static func flaky(count: String, marker: String) -> String {
        OperationsHarness.manifest("flaky", schedule: nil, tasks: """
            [{ "id": "first", "run": "echo ran >> \(count)" },
             { "id": "second", "needs": ["first"], "run": "test -e \(marker)" }]
            """)
    }

    static var quiet: Logger {
        var logger = Logger(label: "baton-operations-tests")
        logger.logLevel = .critical
        return logger
    }

    @Test func theDaemonResumesAQueuedRetryKeepingWhatSucceeded() async throws {
        let harness = try OperationsHarness()
        let count = harness.temp.sub("count"), marker = harness.temp.sub("marker")
        try await harness.commitAndReconcile(["flaky": Self.flaky(count: count, marker: marker)])
        let version = try #require(try await harness.store.currentVersions(of: ["flaky"]).first?.id)
        let requests = VersionRequests(store: harness.store, stateDirectory: harness.state)
        let executor = RunExecutor(store: harness.store, stateDirectory: harness.state)
        let failed = try await executor.execute(try await requests.request(versionID: version, parameters: [:], scheduledAt: nil, trigger: .manual))
        #expect(failed.run.state == .failed)

        try Data().write(to: URL(fileURLWithPath: marker))
        let queued = try await harness.operations.retry(failed.run.id!, by: .token("fixer"))
        #expect(queued.run.state == .queued)
        #expect(queued.run.trigger == .retry)
        #expect(queued.run.retryOf == failed.run.id)
        #expect(queued.run.requestedBy == "fixer")
        #expect(queued.daemonNotified)
        #expect(try await harness.operations.audit(AuditRequest(pipeline: "flaky", limit: 1)).events.first?.change == "retry")

        // The daemon's supervisor takes the queued run up as it does on SIGUSR1; its stop
        // waits for the run to end.
        let supervisor = RunSupervisor(
            store: harness.store, executor: executor, requests: requests, notifier: AlertNotifier(logDirectory: harness.temp.sub("alerts")),
            logger: Self.quiet)
        let record = try #require(try await harness.store.run(id: queued.run.id))
        await supervisor.adopt([record])
        await supervisor.shutdown(grace: .seconds(60))

        let detail = try await harness.operations.run(queued.run.id)
        #expect(detail.run.state == .succeeded, "\(detail.run)")
        #expect(detail.run.retryOf == failed.run.id)
        let attempts = try #require(detail.run.attempts)
        #expect(attempts.first { $0.task == "first" }?.attempt == 0)
        #expect(attempts.first { $0.task == "first" }?.reason == "kept from run \(failed.run.id!)")
        #expect(attempts.first { $0.task == "second" }?.state == .succeeded)
        let lines = try String(contentsOfFile: count, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1, "the task that succeeded ran again")
    }

    @Test func theForegroundRetryResumesTheFailedRunInItsVersionsTree() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["p": OperationsHarness.manifest("p")])
        let failed = try await harness.recordRun("p", state: .failed, trigger: .manual)
        guard case .version(let request) = try await harness.operations.foregroundRetry(failed.id!) else {
            Issue.record("a version's run is retried from its version")
            return
        }
        #expect(request.trigger == .retry)
        #expect(request.resume?.run.id == failed.id)
        #expect(FileManager.default.fileExists(atPath: request.treeRoot + "/manifests/p.json"))

        let file = try await harness.store.createRun(RunRecord(pipeline: "file", versionID: nil, scheduledAt: nil, trigger: .manual, state: .failed, createdAt: OperationsHarness.now)).run
        guard case .file(let run, _) = try await harness.operations.foregroundRetry(file.id!) else {
            Issue.record("a file run is handed back to the command line")
            return
        }
        #expect(run.id == file.id)
    }

    @Test func onlyARunThatEndedWithoutSucceedingCanBeRetried() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["p": OperationsHarness.manifest("p")])
        for state in [RunRecord.State.running, .queued, .succeeded] {
            let run = try await harness.recordRun("p", state: state, trigger: .manual)
            let error = await #expect(throws: OperationError.self) { try await harness.operations.retry(run.id!, by: .token("t")) }
            #expect(error?.code == .notRetryable)
            #expect(error?.httpStatus == 409)
            #expect(error?.message == "run \(run.id!) is \(state.rawValue); only a run that failed, timed out or was cancelled can be retried")
        }
        let unknown = await #expect(throws: OperationError.self) { try await harness.operations.retry(77, by: .token("t")) }
        #expect(unknown?.code == .unknownRun)

        let file = try await harness.store.createRun(RunRecord(pipeline: "file", versionID: nil, scheduledAt: nil, trigger: .manual, state: .failed, createdAt: OperationsHarness.now)).run
        let fileRun = await #expect(throws: OperationError.self) { try await harness.operations.retry(file.id!, by: .token("t")) }
        #expect(fileRun?.code == .notRetryable)

        let failed = try await harness.recordRun("p", state: .failed, trigger: .manual)
        harness.link.setRunning(nil)
        let stopped = await #expect(throws: OperationError.self) { try await harness.operations.retry(failed.id!, by: .token("t")) }
        #expect(stopped?.code == .daemonNotRunning)
        #expect(try await harness.store.runs(RunQuery(trigger: .retry, limit: 10)).isEmpty)
    }
}
