import BatonTestSupport
import Foundation
import Testing

/// What `logs`, `runs --json` and `retry` tell a person about how a run ended, and what the
/// text output lets through to a terminal.
@Suite struct RunReasonTests {
    /// A run whose second task names a secret nobody set: it fails before any process starts,
    /// so its only trace is the reason the store holds.
    func missingSecretRun() throws -> (ReconcilerScenario, runID: Int) {
        let scenario = try ReconcilerScenario()
        try scenario.repo.write("manifests/vault.json", """
            {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "vault",
             "tasks": [
               {"id": "extract", "run": "echo extracted"},
               {"id": "load", "needs": ["extract"], "env": {"DB_PASSWORD": {"secret": "warehouse-password"}}, "run": "echo never"}
             ]}

            """)
        try scenario.repo.commit("Add vault")
        #expect(try scenario.withSource("reconcile", "--once").status == 0)
        let ran = try scenario.withState("run", "vault", "--json")
        #expect(ran.status == 1, "\(ran.stdout)\(ran.stderr)")
        let run = try #require(try scenario.jsonObject(ran)["run"] as? [String: Any])
        return (scenario, try #require(run["id"] as? Int))
    }

    @Test func logsShowEveryAttemptsReasonAndTheRunsEnd() throws {
        let (scenario, runID) = try missingSecretRun()
        let logs = try scenario.withState("logs", String(runID))
        #expect(logs.status == 0, "\(logs.stderr)")
        #expect(logs.stdout.contains("== extract attempt 1 (succeeded)"), "\(logs.stdout)")
        #expect(logs.stdout.contains("stdout extracted"), "\(logs.stdout)")
        // The attempt that never started a process still has its header, with the reason.
        #expect(logs.stdout.contains("== load attempt 1 (failed: secret: secret \"warehouse-password\" not found"), "\(logs.stdout)")
        #expect(logs.stdout.contains("== run \(runID) of vault: failed"), "\(logs.stdout)")
    }

    @Test func runsAndLogsJSONCarryTheReasons() throws {
        let (scenario, runID) = try missingSecretRun()
        let listed = try scenario.withState("runs", "--json")
        #expect(listed.status == 0, "\(listed.stderr)")
        let runs = try #require(try scenario.jsonObject(listed)["runs"] as? [[String: Any]])
        let run = try #require(runs.first { $0["id"] as? Int == runID })
        let attempts = try #require(run["attempts"] as? [[String: Any]])
        let load = try #require(attempts.first { $0["task"] as? String == "load" })
        #expect(load["state"] as? String == "failed")
        #expect((load["reason"] as? String)?.contains("secret \"warehouse-password\" not found") == true, "\(load)")

        let logs = try scenario.withState("logs", String(runID), "--json")
        #expect(logs.status == 0, "\(logs.stderr)")
        let object = try scenario.jsonObject(logs)
        #expect((object["run"] as? [String: Any])?["state"] as? String == "failed")
        let logged = try #require(object["attempts"] as? [[String: Any]])
        let extract = try #require(logged.first { $0["task"] as? String == "extract" })
        let lines = try #require(extract["lines"] as? [[String: Any]])
        #expect(lines.map { $0["text"] as? String } == ["extracted"])
        #expect(lines.first?["stream"] as? String == "stdout")
        #expect((lines.first?["time"] as? String)?.hasSuffix("Z") == true)
        let failed = try #require(logged.first { $0["task"] as? String == "load" })
        #expect((failed["reason"] as? String)?.contains("warehouse-password") == true)
        #expect((failed["lines"] as? [Any])?.isEmpty == true)

        let both = try scenario.withState("logs", String(runID), "--json", "--follow")
        #expect(both.status == 2)
        #expect(both.stderr.contains("drop --follow"))
    }

    @Test func controlCharactersFromAManifestOrAnArgumentAreEscaped() throws {
        let scenario = try ReconcilerScenario()
        // A field name with ESC, BEL and a bidi override, as a hostile commit could write it.
        try scenario.repo.write("manifests/evil.json", """
            {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "evil", "tasks": [{"id": "a", "run": "true"}],
             "\\u001b]0;pwned\\u0007\\u202Eretires": 1}

            """)
        try scenario.repo.commit("Add evil")
        let validated = try BatonBinary.run(["validate", scenario.repo.path + "/manifests"])
        #expect(validated.status == 1)
        let all = validated.stdout + validated.stderr
        #expect(!all.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E }, "\(all.debugDescription)")
        #expect(all.contains("\\x1B]0;pwned\\x07\\u{202E}retires"), "\(all)")

        let reconciled = try scenario.withSource("reconcile", "--once")
        #expect(reconciled.status == 1)
        #expect(!(reconciled.stdout + reconciled.stderr).unicodeScalars.contains { $0.value == 0x1B })

        // ArgumentParser's own error echoes the argument; so does a command's.
        let argument = try scenario.withState("logs", "x\u{1B}[2Jy")
        #expect(argument.status == 2)
        #expect(argument.stderr.contains("x\\x1B[2Jy"), "\(argument.stderr.debugDescription)")
        let history = try scenario.withState("history", "x\u{1B}[2Jy")
        #expect(history.status != 0)
        #expect(!history.stderr.unicodeScalars.contains { $0.value == 0x1B }, "\(history.stderr.debugDescription)")
    }

    @Test func theDaemonsTextLogEscapesWhatACommitHolds() throws {
        let scenario = try ReconcilerScenario()
        try scenario.repo.write("manifests/evil.json", """
            {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "evil", "tasks": [{"id": "a", "run": "true"}],
             "\\u001b[2J\\u001b]0;pwned\\u0007retires": 1}

            """)
        try scenario.repo.commit("Add evil")
        let serve = try ServeProcess(scenario).start(["--log-format", "text"], interval: "1h", waitForStart: false)
        try serve.waitFor("the rejected commit's diagnostic") { serve.logText.contains("pwned") }
        #expect(try serve.stop() == 0)
        #expect(!serve.logText.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(serve.logText.debugDescription)")
        #expect(serve.logText.contains("\\x1B[2J\\x1B]0;pwned\\x07retires"), "\(serve.logText)")
    }

    @Test func aManifestsPathLeavingTheRepositoryIsAUsageError() throws {
        let scenario = try ReconcilerScenario()
        try scenario.repo.write("manifests/ok.json", scenario.pipeline("ok", cron: "0 2 * * *"))
        try scenario.repo.commit("Add ok")
        for path in ["../..", "manifests/../../x", "/etc", ".git/hooks", "a\\b"] {
            let planned = try scenario.withSource("reconcile", "--once", "--path", path)
            #expect(planned.status == 2, "\(path): \(planned.stdout)\(planned.stderr)")
            #expect(planned.stderr.contains("--path: the manifests folder"), "\(path): \(planned.stderr)")
            let validated = try BatonBinary.run(["validate", "--repo", scenario.repo.path, "--path", path, "--state", scenario.state])
            #expect(validated.status == 2, "\(path): \(validated.stderr)")
        }
        // A path that stays inside is normalised, not refused.
        #expect(try scenario.withSource("reconcile", "--once", "--path", "./manifests/").status == 0)
    }
}

/// `baton retry` of a `baton run FILE` run: the file as it is now, resumed at the failure.
@Suite struct FileRunRetryTests {
    func failingFileRun() throws -> (ReconcilerScenario, file: String, runID: Int) {
        let scenario = try ReconcilerScenario()
        let file = scenario.repo.path + "/manifests/etl.json"
        try scenario.repo.write("manifests/etl.json", manifest(load: "exit 3"))
        let ran = try scenario.withState("run", file, "--json")
        #expect(ran.status == 1, "\(ran.stdout)\(ran.stderr)")
        let run = try #require(try scenario.jsonObject(ran)["run"] as? [String: Any])
        return (scenario, file, try #require(run["id"] as? Int))
    }

    /// `extract` counts its own runs in a file beside the repository, so a test sees whether a
    /// retry ran it again.
    func manifest(extract: String = "echo x >> ../extract-count; echo rows=7 >> $BATON_OUTPUT", load: String) -> String {
        """
        {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "etl",
         "tasks": [
           {"id": "extract", "run": "\(extract)"},
           {"id": "load", "needs": ["extract"], "run": "\(load)"}
         ]}

        """
    }

    @Test func aFixedFileIsRetriedFromTheFailedTaskKeepingOutputs() throws {
        let (scenario, _, runID) = try failingFileRun()
        try scenario.repo.write("manifests/etl.json", manifest(load: "test \\\"$BATON_UPSTREAM_EXTRACT_rows\\\" = 7"))
        // From another directory: the run recorded the file's absolute path.
        let retried = try BatonBinary.run(["retry", String(runID), "--json", "--state", scenario.state], in: URL(fileURLWithPath: "/"))
        #expect(retried.status == 0, "\(retried.stdout)\(retried.stderr)")
        let run = try #require(try scenario.jsonObject(retried)["run"] as? [String: Any])
        let tasks = try #require(run["tasks"] as? [[String: Any]])
        #expect(tasks.map { $0["state"] as? String } == ["succeeded", "succeeded"])
        let count = try String(contentsOfFile: scenario.directory.url.appendingPathComponent("extract-count").path, encoding: .utf8)
        #expect(count == "x\n", "extract ran again: \(count)")
    }

    @Test func aRetryIsRefusedWhenATaskThatSucceededChanged() throws {
        let (scenario, file, runID) = try failingFileRun()
        try scenario.repo.write("manifests/etl.json", manifest(extract: "echo rows=8 >> $BATON_OUTPUT", load: "true"))
        let retried = try scenario.withState("retry", String(runID))
        #expect(retried.status == 1, "\(retried.stdout)\(retried.stderr)")
        #expect(retried.stderr.contains("changed task \"extract\" since run \(runID)"), "\(retried.stderr)")
        #expect(retried.stderr.contains("baton run \(file)"), "\(retried.stderr)")
        // Nothing ran.
        let runs = try scenario.withState("runs", "--json")
        #expect((try scenario.jsonObject(runs)["runs"] as? [Any])?.count == 1)
    }
}
