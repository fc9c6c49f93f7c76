import BatonTestSupport
import Foundation
import GRDB
import Testing

/// A full disk under the state directory: the run that hit it ends `failed` with a reason as
/// soon as space is freed, `trigger --wait` returns with exit 1, the daemon says so once a
/// minute at most, and nothing recorded before is lost. Once, such runs stayed `running` for
/// hours and `trigger --wait` never returned.
///
/// The state directory is a small tmpfs, so mounting needs root (CI runs as root).
@Suite struct DiskFullTests {
    @Test(.enabled(if: getuid() == 0, "mounting the small tmpfs that plays the full disk needs root; CI runs the tests as root"))
    func aRunThatFillsTheDiskEndsFailedOnceSpaceIsFreedAndNothingIsLost() throws {
        let scenario = try ReconcilerScenario()
        try scenario.repo.write("manifests/small.json", servedPipeline("small", every: "1h", run: "echo small"))
        // Far more output than the file system holds.
        try scenario.repo.write("manifests/big.json", servedPipeline("big", every: "1h", run: "yes 0123456789012345678901234567890123456789 | head -c 8000000"))
        try scenario.repo.commit("Add small and big")

        try FileManager.default.createDirectory(atPath: scenario.state, withIntermediateDirectories: true)
        let mount = try Self.command("/bin/mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", scenario.state)
        try #require(mount.status == 0, "cannot mount a tmpfs: \(mount.output)")
        defer { _ = try? Self.command("/bin/umount", "-l", scenario.state) }

        let serve = try ServeProcess(scenario).start(interval: "5s")
        let small = try scenario.withState("trigger", "small", "--wait")
        #expect(small.status == 0, "\(small.stdout)\(small.stderr)")
        let versionsBefore = try serve.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM pipeline_version") } ?? 0
        #expect(versionsBefore == 2)

        // All but 256 KiB taken by a file of the test's, so the task's log fills the rest.
        let filler = "\(scenario.state)/filler"
        let room = Self.freeBytes(scenario.state)
        let chunk = Data(count: 64 * 1024)
        _ = FileManager.default.createFile(atPath: filler, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: filler))
        var written = 0
        while written + chunk.count < room - 256 * 1024 {
            try handle.write(contentsOf: chunk)
            written += chunk.count
        }
        try handle.close()

        let follower = Process()
        follower.executableURL = BatonBinary.url
        follower.arguments = ["trigger", "big", "--wait", "--state", scenario.state]
        let output = Pipe()
        follower.standardOutput = output
        follower.standardError = output
        try follower.run()

        // The disk fills up; the run either ends at once (its log could not be written, the
        // store still had room) or waits to record its end.
        try serve.waitFor("the disk to fill") { Self.freeBytes(scenario.state) < 64 * 1024 }
        try serve.waitFor("the task to end") { try serve.taskProcesses().isEmpty && serve.runs("big").first != nil }
        try FileManager.default.removeItem(atPath: filler)

        try serve.waitFor("the run to end failed", timeout: 20) { try serve.runs("big").first?.state == "failed" }
        let run = try #require(try serve.runs("big").first)
        let reason = run.reason ?? ""
        #expect(reason.contains("disk is full") || reason.contains("No space left on device"), "\(reason)")
        let attempts = try serve.read { try Row.fetchAll($0, sql: "SELECT state, reason FROM task_attempt WHERE runID = ?", arguments: [run.id]) } ?? []
        #expect(attempts.map { $0["state"] as String } == ["failed"], "\(attempts)")
        #expect(attempts.allSatisfy { ($0["reason"] as String?)?.isEmpty == false }, "\(attempts)")

        try serve.waitFor("trigger --wait to return", timeout: 20) { !follower.isRunning }
        follower.waitUntilExit()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(follower.terminationStatus == 1, "\(printed)")

        // Nothing recorded before is lost.
        let earlier = try serve.runs("small")
        #expect(earlier.map(\.state) == ["succeeded"])
        #expect(try serve.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM pipeline_version") } == versionsBefore)
        // Said once, not at every retry (the test is far shorter than a minute).
        let reports = serve.logLines().filter { $0.message.hasPrefix("cannot record the end of a failed run") }
        #expect(reports.count <= 1, "\(reports.map(\.message))")
        #expect(try serve.stop() == 0)
    }

    static func freeBytes(_ path: String) -> Int {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return 0 }
        return Int(info.f_bavail) * Int(info.f_frsize)
    }

    static func command(_ executable: String, _ arguments: String...) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
