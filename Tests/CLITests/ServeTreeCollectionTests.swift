import BatonTestSupport
import Foundation
import GRDB
import Testing

/// Exported trees (`<state>/trees/<tree id>`) that no run will use again are removed after a
/// reconcile pass; the tree a running run executes in stays until that run ends.
@Suite struct ServeTreeCollectionTests {
    @Test func anOldTreeGoesOnceNoRunUsesItAndStaysWhileARunDoes() throws {
        let scenario = try ReconcilerScenario()
        try scenario.repo.write("manifests/long.json", servedPipeline("long", every: "1h", run: "sleep 300"))
        try scenario.repo.write("manifests/p.json", servedPipeline("p", every: "1h"))
        try scenario.repo.commit("Add long and p")
        let first = try scenario.repo.revParse("HEAD^{tree}")
        let serve = try ServeProcess(scenario).start(interval: "1h")
        try serve.waitFor("the first tree") { FileManager.default.fileExists(atPath: tree(first, in: serve)) }
        let queued = try scenario.withState("trigger", "long", "--json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(queued.stdout.utf8)) as? [String: Any])
        let runID = try #require(object["run"] as? Int)
        try serve.waitFor("long to run in the first tree") { !serve.taskProcesses().isEmpty }

        // Both pipelines change: the first tree is no live version's any more, only the
        // running run's.
        try scenario.repo.write("manifests/long.json", servedPipeline("long", every: "1h", run: "sleep 301"))
        try scenario.repo.write("manifests/p.json", servedPipeline("p", every: "2h"))
        try scenario.repo.commit("Change both")
        let second = try scenario.repo.revParse("HEAD^{tree}")
        #expect(second != first)
        try pass(serve)
        try serve.waitFor("the second tree") { FileManager.default.fileExists(atPath: tree(second, in: serve)) }
        // Trees exported or reused in the last ten minutes are spared (a run in another
        // process may be about to record itself): age both, as if that time had passed.
        try age(first, second, in: serve)
        try pass(serve)
        #expect(FileManager.default.fileExists(atPath: tree(first, in: serve)), "the running run's tree was removed")
        #expect(FileManager.default.fileExists(atPath: tree(second, in: serve)))

        let cancelled = try scenario.withState("cancel", String(runID))
        #expect(cancelled.status == 0, "\(cancelled.stderr)")
        try serve.waitFor("the run to end") { try serve.runs("long").first?.state == "cancelled" }
        try pass(serve)
        #expect(!FileManager.default.fileExists(atPath: tree(first, in: serve)), "an unused tree was kept")
        #expect(FileManager.default.fileExists(atPath: tree(second, in: serve)), "the live tree was removed")
        #expect(serve.logLines().contains { $0.message == "removed exported trees no run uses" })
        let left = try FileManager.default.contentsOfDirectory(atPath: "\(serve.state)/trees")
        #expect(left == [second], "\(left)")
        #expect(try serve.stop() == 0)
    }

    func tree(_ id: String, in serve: ServeProcess) -> String { "\(serve.state)/trees/\(id)" }

    /// Sets the trees' modification time an hour back.
    func age(_ ids: String..., in serve: ServeProcess) throws {
        for id in ids {
            var times = [timeval(tv_sec: time(nil) - 3600, tv_usec: 0), timeval(tv_sec: time(nil) - 3600, tv_usec: 0)]
            #expect(utimes(tree(id, in: serve), &times) == 0)
        }
    }

    /// SIGHUP, and waits until that pass (and the collection after it) is over.
    func pass(_ serve: ServeProcess) throws {
        let count = { try serve.read { try Int.fetchOne($0, sql: "SELECT reconcileCount FROM daemon") } ?? nil }
        let before = try count() ?? 0
        serve.signal(SIGHUP)
        try serve.waitFor("a pass") { (try count() ?? 0) > before }
    }
}
