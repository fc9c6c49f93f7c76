import BatonTestSupport
import Foundation
import Testing

/// `baton run`, `runs`, `logs`, `retry` and `cancel` on real repositories, processes and
/// SQLite files.
@Suite struct RunCommandTests {
    /// A repository whose `etl` pipeline runs a script from the repository that fails until a
    /// marker file exists, reconciled into a state directory.
    func scenario() throws -> (ReconcilerScenario, marker: String) {
        let scenario = try ReconcilerScenario()
        let marker = scenario.directory.url.appendingPathComponent("fixed").path
        try scenario.repo.write("scripts/load.sh", "#!/bin/sh\necho \"loading for $BATON_PARAM_REGION\"\ntest -e \(marker)\n", executable: true)
        try scenario.repo.write("manifests/etl.json", """
            {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "etl",
             "parameters": {"region": {"default": "us", "allowed": ["us", "eu"]}},
             "tasks": [
               {"id": "extract", "run": "echo rows=7 >> $BATON_OUTPUT"},
               {"id": "load", "needs": ["extract"], "run": ["./scripts/load.sh"]}
             ]}

            """)
        try scenario.repo.commit("Add etl")
        let reconciled = try scenario.withSource("reconcile", "--once")
        #expect(reconciled.status == 0, "\(reconciled.stderr)")
        return (scenario, marker)
    }

    @Test func aLivePipelineRunsInItsCommitsTreeAndCanBeRetried() throws {
        let (scenario, marker) = try scenario()
        let failed = try scenario.withState("run", "etl", "--param", "region=eu", "--json")
        #expect(failed.status == 1, "\(failed.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(failed.stdout.utf8)) as? [String: Any])
        let run = try #require(json["run"] as? [String: Any])
        #expect(run["state"] as? String == "failed")
        let tasks = try #require(run["tasks"] as? [[String: Any]])
        #expect(tasks.map { $0["id"] as? String } == ["extract", "load"])
        #expect(tasks.first?["outputs"] as? [String: String] == ["rows": "7"])
        #expect(tasks.last?["exitCode"] as? Int == 1)
        let runID = try #require(run["id"] as? Int)

        let logs = try scenario.withState("logs", String(runID), "--task", "load")
        #expect(logs.status == 0)
        #expect(logs.stdout.contains("stdout loading for eu"))
        let listed = try scenario.withState("runs", "etl")
        #expect(listed.stdout.contains("failed"))

        _ = FileManager.default.createFile(atPath: marker, contents: nil)
        let retried = try scenario.withState("retry", String(runID))
        #expect(retried.status == 0, "\(retried.stdout)\(retried.stderr)")
        #expect(retried.stdout.contains("succeeded"))
        let again = try scenario.withState("retry", String(runID + 1))
        #expect(again.status == 1)
        #expect(again.stderr.contains("only a run that failed"))
    }

    @Test func aFileRunsFromItsWorkTreeAndBadParametersAreUsageErrors() throws {
        let (scenario, marker) = try scenario()
        _ = FileManager.default.createFile(atPath: marker, contents: nil)
        let file = scenario.repo.path + "/manifests/etl.json"
        let ok = try scenario.withState("run", file)
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("succeeded"))

        let unknown = try scenario.withState("run", file, "--param", "regoin=eu")
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown parameter \"regoin\""))
        let outside = try scenario.withState("run", file, "--param", "region=asia")
        #expect(outside.status == 2)
        #expect(outside.stderr.contains("allowed: us, eu"))
        let missing = try scenario.withState("run", "no-such-pipeline")
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no live pipeline named \"no-such-pipeline\""))
    }

    @Test func cancellingAFinishedRunChangesNothing() throws {
        let (scenario, marker) = try scenario()
        _ = FileManager.default.createFile(atPath: marker, contents: nil)
        let ran = try scenario.withState("run", "etl")
        #expect(ran.status == 0)
        let cancelled = try scenario.withState("cancel", "1")
        #expect(cancelled.status == 0)
        #expect(cancelled.stdout.contains("already ended: succeeded"))
        let unknown = try scenario.withState("cancel", "99")
        #expect(unknown.status == 1)
    }
}
