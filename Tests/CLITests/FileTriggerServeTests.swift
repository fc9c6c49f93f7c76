import BatonTestSupport
import Foundation
import GRDB
import Testing

/// File-arrival triggers (`triggers` with `path`) through a real daemon, real files and the
/// real store: one run per new file with its path as the parameter, nothing for files that
/// do not match, are hidden or were there first, no start before the file settled, and
/// exactly once through kill -9.
///
/// Each test waits on what the daemon wrote (the watch's baseline row, the runs), never on
/// the clock: where a file must start nothing, a later file that must start something is
/// the gate, since files are started oldest first.
@Suite struct FileTriggerServeTests {
    /// A scenario whose pipeline `load` watches `inbox/*.csv` (settle `settle`) and appends
    /// each file's path to `ran`.
    struct Inbox {
        let scenario: ReconcilerScenario
        let inbox: String
        let ran: String

        init(settle: String = "250ms", before: [String] = [], witness: Bool = false, create: Bool = true) throws {
            let scratch = try ReconcilerScenario()
            inbox = scratch.directory.url.appendingPathComponent("inbox").path
            ran = scratch.directory.url.appendingPathComponent("ran").path
            if create { try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true) }
            for name in before { try Data("old\n".utf8).write(to: URL(fileURLWithPath: "\(inbox)/\(name)")) }
            scenario = scratch
            try scratch.repo.write("manifests/load.json", manifest("load", triggers: #"[{"path": "\#(inbox)/*.csv", "settle": "\#(settle)"}]"#))
            if witness {
                try scratch.repo.write("manifests/witness.json", manifest("witness", triggers: #"[{"path": "\#(inbox)/*", "settle": "\#(settle)"}]"#))
            }
            try scratch.repo.commit("Load each CSV that lands in the inbox")
        }

        /// A pipeline that appends each file's path to `ran`.
        func manifest(_ name: String, triggers: String) -> String {
            """
            {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "\(name)",
             "parameters": {"file": {"required": true}},
             "triggers": \(triggers),
             "tasks": [{"id": "work", "run": "echo \\"$BATON_PARAM_FILE\\" >> \(ran)"}]}

            """
        }

        func write(_ name: String, _ text: String = "a,b\n1,2\n") throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: "\(inbox)/\(name)"))
        }

        func path(_ name: String) -> String { "\(inbox)/\(name)" }
    }

    struct FileRun {
        var id: Int64
        var state: String
        var file: String?
        var triggerKey: String
        var createdAt: String
    }

    static func fileRuns(_ serve: ServeProcess, of pipeline: String = "load") throws -> [FileRun] {
        try serve.read { db in
            try Row.fetchAll(db, sql: "SELECT id, state, trigger, parameters, triggerKey, createdAt FROM run WHERE pipeline = ? ORDER BY id", arguments: [pipeline]).map { row in
                #expect(row["trigger"] as String == "file")
                let parameters = try JSONSerialization.jsonObject(with: Data((row["parameters"] as String).utf8)) as? [String: String]
                return FileRun(id: row["id"], state: row["state"], file: parameters?["file"], triggerKey: row["triggerKey"], createdAt: row["createdAt"])
            }
        } ?? []
    }

    /// A date as the store writes it: `yyyy-MM-dd HH:mm:ss.SSS`, UTC.
    static func storedDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        return formatter.date(from: text)
    }

    /// Waits until the daemon took the baseline of `load`'s trigger.
    static func waitForWatch(_ serve: ServeProcess) throws {
        try serve.waitFor("the file trigger's baseline") {
            (try serve.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM file_watch WHERE pipeline = 'load'") } ?? nil ?? 0) == 1
        }
    }

    @Test func eachNewMatchingFileStartsOneRunWithItsPathAndOthersStartNone() throws {
        let inbox = try Inbox()
        let serve = try ServeProcess(inbox.scenario).start(interval: "1h")
        try Self.waitForWatch(serve)

        try inbox.write("a.csv")
        try serve.waitFor("a run for a.csv") { try Self.fileRuns(serve).contains { $0.state == "succeeded" } }
        try inbox.write("notes.txt")
        try inbox.write(".hidden.csv")
        try inbox.write("b.csv.part")
        try FileManager.default.createDirectory(atPath: inbox.path("folder.csv"), withIntermediateDirectories: false)
        try inbox.write("b.csv")
        try serve.waitFor("a run for b.csv") { try Self.fileRuns(serve).filter { $0.state == "succeeded" }.count >= 2 }

        let runs = try Self.fileRuns(serve)
        #expect(runs.map(\.file) == [inbox.path("a.csv"), inbox.path("b.csv")], "one run per matching file, nothing else")
        #expect(runs.allSatisfy { $0.triggerKey.hasPrefix("file:\(inbox.path(""))") })
        #expect(try String(contentsOfFile: inbox.ran, encoding: .utf8) == "\(inbox.path("a.csv"))\n\(inbox.path("b.csv"))\n")
        let listed = try inbox.scenario.withState("runs", "load")
        #expect(listed.stdout.contains("file \(inbox.path("b.csv"))"), "\(listed.stdout)")
        let json = try #require(try inbox.scenario.jsonObject(try inbox.scenario.withState("runs", "load", "--json"))["runs"] as? [[String: Any]])
        #expect(json.first?["trigger"] as? String == "file")
        #expect(json.first?["triggerFile"] as? String == inbox.path("b.csv"))
        #expect(try serve.stop() == 0)
    }

    @Test func aFileStillBeingWrittenStartsOnlyOnceItStoodStillForTheSettle() throws {
        let inbox = try Inbox(settle: "1s")
        let serve = try ServeProcess(inbox.scenario).start(interval: "1h")
        try Self.waitForWatch(serve)

        let path = inbox.path("big.csv")
        try inbox.write("big.csv", "header\n")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        for row in 0..<30 {
            handle.seekToEndOfFile()
            handle.write(Data("\(row),x\n".utf8))
            usleep(50_000)
        }
        try handle.close()
        var info = stat()
        #expect(lstat(path, &info) == 0)
        let lastWrite = Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
        let finalKey = "file:\(path)@\(info.st_dev):\(info.st_ino):\(info.st_mtim.tv_sec).\(String(format: "%09ld", info.st_mtim.tv_nsec))"

        try serve.waitFor("the run of the finished file") { !(try Self.fileRuns(serve)).isEmpty }
        let runs = try Self.fileRuns(serve)
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        #expect(run.triggerKey == finalKey, "the run is for the file as it was last written")
        let created = try #require(Self.storedDate(run.createdAt), "\(run.createdAt)")
        // The store keeps milliseconds: allow the one it may cut.
        #expect(created.timeIntervalSince(lastWrite) >= 1 - 0.002, "recorded \(created.timeIntervalSince(lastWrite)) s after the last write")
        #expect(try serve.stop() == 0)
    }

    @Test func filesAlreadyThereWhenThePipelineIsFirstAppliedStartNothing() throws {
        let inbox = try Inbox(before: ["2026-01-01.csv", "2026-01-02.csv"])
        let serve = try ServeProcess(inbox.scenario).start(interval: "1h")
        try Self.waitForWatch(serve)
        let baseline = try serve.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM file_seen WHERE pipeline = 'load'") } ?? nil
        #expect(baseline == 2)

        try inbox.write("2026-01-03.csv")
        try serve.waitFor("the new file's run") { !(try Self.fileRuns(serve)).isEmpty }
        #expect(try Self.fileRuns(serve).map(\.file) == [inbox.path("2026-01-03.csv")])
        #expect(try serve.stop() == 0)
    }

    @Test func aFileRunsOnceThroughKill9AndOneThatArrivedWhileDownRunsAtTheNextStart() throws {
        let inbox = try Inbox()
        let serve = try ServeProcess(inbox.scenario).start(interval: "1h")
        try Self.waitForWatch(serve)
        try inbox.write("a.csv")
        try serve.waitFor("a run for a.csv") { try Self.fileRuns(serve).contains { $0.state == "succeeded" } }
        serve.crash()

        try inbox.write("b.csv")
        try serve.start(interval: "1h")
        try serve.waitFor("a run for b.csv") { try Self.fileRuns(serve).filter { $0.state == "succeeded" }.count >= 2 }
        try inbox.write("c.csv")
        try serve.waitFor("a run for c.csv") { try Self.fileRuns(serve).filter { $0.state == "succeeded" }.count >= 3 }
        #expect(try Self.fileRuns(serve).map(\.file) == ["a.csv", "b.csv", "c.csv"].map(inbox.path))
        #expect(try serve.stop() == 0)
    }

    /// `witness` watches the same folder for anything: a file it ran is one `load` would
    /// have run by then (watches are looked at in name order), so `load`'s silence is known.
    @Test func aChangedPathTakesANewBaselineAndARemovedTriggerStopsTheWatch() throws {
        let inbox = try Inbox(witness: true)
        let serve = try ServeProcess(inbox.scenario).start(interval: "1h")
        try serve.waitFor("both baselines") {
            (try serve.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM file_watch") } ?? nil ?? 0) == 2
        }
        try inbox.write("old.json")
        try serve.waitFor("the witness to run old.json") { try Self.fileRuns(serve, of: "witness").count == 1 }

        try inbox.scenario.repo.write("manifests/load.json", inbox.manifest("load", triggers: #"[{"path": "\#(inbox.inbox)/*.json", "settle": "250ms"}]"#))
        try inbox.scenario.repo.commit("Load JSON instead")
        serve.signal(SIGHUP)
        try serve.waitFor("the new path's baseline") {
            (try serve.read { try String.fetchAll($0, sql: "SELECT path FROM file_watch WHERE pipeline = 'load'") } ?? []) == ["\(inbox.inbox)/*.json"]
        }
        let seen = try serve.read { try String.fetchAll($0, sql: "SELECT fileKey FROM file_seen WHERE pipeline = 'load'") } ?? []
        #expect(seen.count == 1 && seen.first?.hasPrefix("file:\(inbox.path("old.json"))@") == true, "old.json is the new baseline: \(seen)")

        try inbox.write("a.csv")
        try inbox.write("new.json")
        try serve.waitFor("the witness to run a.csv and new.json") { try Self.fileRuns(serve, of: "witness").count == 3 }
        try serve.waitFor("load to run new.json") { !(try Self.fileRuns(serve)).isEmpty }
        #expect(try Self.fileRuns(serve).map(\.file) == [inbox.path("new.json")], "the old path is no longer watched, the old file is baseline")

        try inbox.scenario.repo.write("manifests/load.json", inbox.manifest("load", triggers: "[]"))
        try inbox.scenario.repo.commit("Stop loading files")
        serve.signal(SIGHUP)
        try serve.waitFor("the watch to be forgotten") {
            (try serve.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM file_watch WHERE pipeline = 'load'") } ?? nil ?? 1) == 0
        }
        try inbox.write("later.json")
        try serve.waitFor("the witness to run later.json") { try Self.fileRuns(serve, of: "witness").count == 4 }
        #expect(try Self.fileRuns(serve).count == 1)
        #expect(try serve.stop() == 0)
    }

    /// A folder that does not exist yet is logged once, and watched once it exists: its
    /// first files are new (the baseline of a missing folder is empty).
    @Test func aFolderCreatedAfterTheTriggerIsWatchedOnceItExists() throws {
        let inbox = try Inbox(create: false)
        let serve = try ServeProcess(inbox.scenario).start(interval: "1h")
        try Self.waitForWatch(serve)
        let unlisted = { serve.logLines().filter { $0.message.hasPrefix("cannot list a watched folder") && $0.fields["directory"] as? String == inbox.inbox } }
        try serve.waitFor("the missing folder to be logged") { !unlisted().isEmpty }

        try FileManager.default.createDirectory(atPath: inbox.inbox, withIntermediateDirectories: true)
        try inbox.write("first.csv")
        try serve.waitFor("a run for first.csv") { try Self.fileRuns(serve).contains { $0.state == "succeeded" } }
        #expect(try Self.fileRuns(serve).map(\.file) == [inbox.path("first.csv")])
        #expect(unlisted().count == 1, "logged once, not at every listing")
        try serve.waitFor("the folder's recovery to be logged") { serve.logLines().contains { $0.message.hasPrefix("a watched folder can be listed again") } }
        #expect(try serve.stop() == 0)
    }

    @Test func filesWaitWhileThePipelineIsSuspendedAndRunAfterResume() throws {
        let inbox = try Inbox()
        let serve = try ServeProcess(inbox.scenario).start(interval: "1h")
        try Self.waitForWatch(serve)
        let suspended = try inbox.scenario.withState("suspend", "load", "--reason", "inbox maintenance")
        #expect(suspended.status == 0, "\(suspended.stderr)")
        try inbox.write("a.csv")
        try serve.waitFor("a.csv to settle while suspended") {
            serve.logLines().contains { $0.message.hasPrefix("a file settled while its pipeline is suspended") && $0.fields["file"] as? String == inbox.path("a.csv") }
        }
        #expect(try Self.fileRuns(serve).isEmpty)
        #expect(try inbox.scenario.withState("resume", "load").status == 0)
        try serve.waitFor("a run for a.csv after the resume") { try Self.fileRuns(serve).contains { $0.state == "succeeded" } }
        #expect(try Self.fileRuns(serve).map(\.file) == [inbox.path("a.csv")])
        #expect(try serve.stop() == 0)
    }
}
