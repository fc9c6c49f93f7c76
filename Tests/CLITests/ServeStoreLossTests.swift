import BatonTestSupport
import Foundation
import GRDB
import Testing

/// `baton serve` when its database goes away or is damaged under it: it notices at its next
/// reconcile pass and stops with exit status 1 and a message that says what happened,
/// rather than writing on into a file nobody will read again.
@Suite struct ServeStoreLossTests {
    func served() throws -> ServeProcess {
        let scenario = try ReconcilerScenario()
        for name in ["a", "b", "c"] { try scenario.repo.write("manifests/\(name).json", servedPipeline(name, every: "1h")) }
        try scenario.repo.commit("Add pipelines")
        return try ServeProcess(scenario).start(interval: "1h")
    }

    @Test func aDeletedDatabaseStopsTheDaemonAtItsNextPass() throws {
        let serve = try served()
        try FileManager.default.removeItem(atPath: "\(serve.state)/baton.sqlite")
        serve.signal(SIGHUP)
        let status = try serve.waitForExit()
        #expect(status == 1)
        let failure = serve.logLines().first { $0.level == "critical" }
        #expect(failure?.message.contains("baton.sqlite was deleted while the daemon ran") == true, "\(serve.logText.suffix(2000))")
        #expect(serve.logLines().last?.message.contains("[daemon-store-lost]") == true || serve.logText.contains("store-lost"), "\(serve.logText.suffix(2000))")
    }

    @Test func aReplacedDatabaseStopsTheDaemonToo() throws {
        let serve = try served()
        let path = "\(serve.state)/baton.sqlite"
        try FileManager.default.copyItem(atPath: path, toPath: path + ".copy")
        #expect(rename(path + ".copy", path) == 0)
        serve.signal(SIGHUP)
        let status = try serve.waitForExit()
        #expect(status == 1)
        #expect(serve.logText.contains("was replaced by another file"), "\(serve.logText.suffix(2000))")
    }

    @Test func aDatabaseDamagedInTheMiddleStopsTheDaemonAtItsNextPass() throws {
        let serve = try served()
        let path = "\(serve.state)/baton.sqlite"
        // Everything into the main file first, so the damage is not hidden behind newer
        // copies of the same pages in the write-ahead log.
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let pageSize = 4096
        #expect(size >= 6 * pageSize, "a store of \(size) bytes")
        // Pages 3 up to the last but one: the header page stays, so SQLite still opens the
        // file and only a check of its pages finds the damage.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: UInt64(2 * pageSize))
        var generator = SystemRandomNumberGenerator()
        try handle.write(contentsOf: Data((0..<(size - 3 * pageSize)).map { _ in UInt8.random(in: 0...255, using: &generator) }))
        try handle.close()

        serve.signal(SIGHUP)
        let status = try serve.waitForExit()
        #expect(status == 1)
        let text = serve.logText
        #expect(text.contains("baton.sqlite is damaged") || text.contains("baton.sqlite cannot be read"), "\(text.suffix(2000))")
        #expect(text.contains("store-corrupt"), "\(text.suffix(2000))")
    }
}

extension ServeProcess {
    /// Waits for the daemon to exit by itself and returns its exit status; fails the test if
    /// it is still running after `timeout`.
    func waitForExit(timeout: TimeInterval = 30) throws -> Int32 {
        guard let process else { return -1 }
        try waitFor("the daemon to exit by itself", timeout: timeout) { !process.isRunning }
        process.waitUntilExit()
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }
}
