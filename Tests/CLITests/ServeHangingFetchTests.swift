import BatonTestSupport
import Foundation
import GRDB
import Testing

/// `baton serve` while its source hangs: a remote that accepts the connection and never
/// answers holds a libgit2 fetch for up to a minute, and SQLite waits up to its busy timeout
/// for a lock another process holds. Neither may hold a thread of Swift's cooperative pool
/// (as many threads as cores): the scheduler and the signal handler run there.
@Suite struct ServeHangingFetchTests {
    @Test func slotsFireOnTimeAndSignalsAreAnsweredWhileTheFetchHangsAndTheStoreIsLocked() throws {
        let scenario = try ReconcilerScenario()
        try scenario.repo.write("manifests/tick.json", servedPipeline("tick", run: "sleep 0.8"))
        try scenario.repo.commit("Add tick")
        let applied = try scenario.withSource("reconcile", "--once")
        #expect(applied.status == 0, "\(applied.stderr)")

        // The daemon follows a remote that never answers: its first pass hangs in the fetch.
        let listener = try SilentListener()
        let serve = try ServeProcess(scenario).start(["--repo", "git://127.0.0.1:\(listener.port)/pipelines.git"], interval: "1h", waitForStart: false)
        try serve.waitFor("the daemon to start") {
            serve.logLines().contains { $0.message == "baton serve started" && "\($0.fields["source"] ?? "")".contains("127.0.0.1") }
        }
        let started = Date()
        try serve.waitFor("three seconds of slots") {
            try serve.runs("tick").compactMap { $0.scheduledAt.flatMap(ServeTests.date) }.contains { $0 > started.addingTimeInterval(3) }
        }
        let onTime = try serve.runs("tick").filter { run in run.scheduledAt.flatMap(ServeTests.date).map { $0 > started } ?? false }
        #expect(onTime.count >= 3)
        for run in onTime {
            let late = try #require(ServeTests.date(run.createdAt)).timeIntervalSince(try #require(run.scheduledAt.flatMap(ServeTests.date)))
            // On time: decided before the next slot is due.
            #expect(late < 1, "the slot \(run.scheduledAt ?? "") was decided \(late) s late")
        }

        // Another process holds the store's write lock for four and a half seconds: the runs'
        // writes wait for it (on a thread of their own), and the daemon still answers a signal
        // at once. (Before, the waiting write held a pool thread and the hanging fetch the
        // other: on two cores the signal was answered only when the lock was released.)
        let locked = try DatabaseQueue(path: "\(serve.state)/baton.sqlite")
        var signalled = Date()
        try locked.inTransaction(.immediate) { _ in
            Thread.sleep(forTimeInterval: 1.5)  // a run's writes start waiting for the lock
            signalled = Date()
            serve.signal(SIGHUP)
            Thread.sleep(forTimeInterval: 3)
            return .commit
        }
        try locked.close()
        try serve.waitFor("the SIGHUP log line") { serve.logLines().contains { $0.message == "SIGHUP: reconciling now" } }
        let line = try #require(serve.logLines().first { $0.message == "SIGHUP: reconciling now" })
        let answered = try #require(Self.logTime("\(line.fields["time"] ?? "")"))
        #expect(answered.timeIntervalSince(signalled) < 1.5, "SIGHUP answered \(answered.timeIntervalSince(signalled)) s after it was sent")

        // All along, the first pass is still in its fetch.
        let pid = Int(serve.pid)
        let passed = try serve.read { try Row.fetchOne($0, sql: "SELECT pid, lastReconcileAt FROM daemon") } ?? nil
        #expect((passed?["pid"] as Int?) == pid && (passed?["lastReconcileAt"] as String?) == nil, "the fetch did not hang")

        // A stop does not wait for the fetch's one-minute deadline.
        let stopping = Date()
        #expect(try serve.stop(timeout: 30) == 0)
        #expect(Date().timeIntervalSince(stopping) < 15)
    }

    static func logTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
