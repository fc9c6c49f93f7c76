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
        let listener = try SilentGitListener()
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

/// A loopback socket that listens but never accepts or answers: connections complete in the
/// kernel's backlog and then hear nothing, the way a hung Git server behaves.
final class SilentGitListener {
    let port: UInt16
    private let fd: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 16) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        self.fd = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(fd) }
}
