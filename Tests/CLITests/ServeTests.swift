import BatonTestSupport
import Foundation
import GRDB
import Testing

/// `baton serve` as a real process: following commits, firing slots, the missed and
/// concurrency policies, suspend and resume, trigger, alerts, stopping, and the lock.
@Suite struct ServeTests {
    @Test func aCommitIsPickedUpWithinAnIntervalAndAtOnceOnSIGHUP() throws {
        let scenario = try ReconcilerScenario(committing: ["a": servedPipeline("a", every: "1h")])
        let serve = try ServeProcess(scenario).start(interval: "2s")
        try serve.waitFor("a to be live") { try serve.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM pipeline WHERE state = 'active'") } == 1 }
        try scenario.repo.write("manifests/b.json", servedPipeline("b", every: "1h"))
        try scenario.repo.commit("Add b")
        let committed = Date()
        try serve.waitFor("b within one interval", timeout: 10) { try serve.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM pipeline WHERE name = 'b'") } == 1 }
        #expect(Date().timeIntervalSince(committed) < 4.5, "picked up after more than an interval and its jitter")
        #expect(try serve.stop() == 0)

        // A long interval: only SIGHUP can explain a quick pick-up.
        try serve.start(interval: "1h")
        try scenario.repo.write("manifests/c.json", servedPipeline("c", every: "1h"))
        try scenario.repo.commit("Add c")
        serve.signal(SIGHUP)
        try serve.waitFor("c after SIGHUP", timeout: 10) { try serve.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM pipeline WHERE name = 'c'") } == 1 }

        // `reconcile --now` asks the same daemon and prints its pass.
        try scenario.repo.write("manifests/d.json", servedPipeline("d", every: "1h"))
        try scenario.repo.commit("Add d")
        let now = try scenario.withState("reconcile", "--now")
        #expect(now.status == 0, "\(now.stderr)")
        #expect(now.stdout.contains("applied: 1 to create"), "\(now.stdout)")
        #expect(try serve.stop() == 0)
    }

    @Test func everySecondPipelinesFireOncePerSlotAndAnInvalidCommitKeepsThemRunning() throws {
        let scenario = try ReconcilerScenario(committing: [
            "tick": servedPipeline("tick", fields: #", "keepRuns": 4"#),
            "tock": servedPipeline("tock", run: "echo tock"),
        ])
        let serve = try ServeProcess(scenario).start()
        try serve.waitFor("four runs of each") { try serve.runs("tick").count >= 4 && serve.runs("tock").count >= 4 }
        let firstTick = try #require(try serve.runs("tick").first?.id)

        try scenario.repo.write("manifests/tick.json", servedPipeline("tick", every: "1 second"))
        try scenario.repo.commit("Break tick")
        serve.signal(SIGHUP)
        try serve.waitFor("the rejected revision") { try serve.read { try String.fetchOne($0, sql: "SELECT lastAttemptOutcome FROM source") } == "rejected" }
        let before = try serve.runs("tick").map(\.id).max() ?? 0
        try serve.waitFor("tick to go on firing under the live revision") { try serve.runs("tick").contains { $0.id > before + 1 } }
        #expect(try serve.stop() == 0)

        for pipeline in ["tick", "tock"] {
            let runs = try serve.runs(pipeline)
            let slots = runs.compactMap(\.scheduledAt)
            #expect(Set(slots).count == slots.count, "a slot with two runs: \(slots)")
            #expect(runs.allSatisfy { ["succeeded", "skipped", "missed"].contains($0.state) }, "\(runs)")
            #expect(runs.filter { $0.state == "succeeded" }.count >= 3)
        }
        let tock = try serve.runs("tock")
        let seconds = tock.compactMap(\.scheduledAt).compactMap(Self.date).map(\.timeIntervalSince1970)
        // Slots one second apart with none left out in the middle: once per slot.
        #expect(zip(seconds, seconds.dropFirst()).allSatisfy { $1 - $0 == 1 }, "\(seconds)")
        // keepRuns 4: each run's end prunes to the newest 4 (a slot recorded skipped or
        // missed after the last run ended may add one or two), and the oldest runs are gone.
        let kept = try serve.runs("tick").map(\.id)
        #expect(kept.count <= 6, "\(kept)")
        #expect(!kept.contains(firstTick), "the first run of tick was never pruned")
        let folders = try FileManager.default.contentsOfDirectory(atPath: serve.state + "/runs")
        let tickIDs = try serve.read { try Int64.fetchAll($0, sql: "SELECT id FROM run WHERE pipeline = 'tick'") } ?? []
        #expect(Set(tickIDs) == Set(kept))
        let tockIDs = Set(tock.map(\.id))
        for folder in folders {
            guard let id = Int64(folder.split(separator: ".").first ?? "") else { continue }
            #expect(tockIDs.contains(id) || kept.contains(id), "files of a pruned run are left: \(folder)")
        }
    }

    static func date(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        return formatter.date(from: text)
    }

    @Test func missedPoliciesAndStartingDeadlineAcrossAStopAndStart() throws {
        let alerts = NSTemporaryDirectory() + "missed-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: alerts) }
        let scenario = try ReconcilerScenario(committing: [
            "skip": servedPipeline("skip", fields: #", "alerts": [{"on": ["missed"], "command": ["sh", "-c", "echo $BATON_ALERT_EVENT $BATON_ALERT_PIPELINE $BATON_ALERT_STATE >> \#(alerts)"]}]"#),
            "latest": servedPipeline("latest", schedule: #", "missed": "latest""#),
            "all": servedPipeline("all", schedule: #", "missed": "all""#),
            "deadline": servedPipeline("deadline", schedule: #", "missed": "all", "startingDeadline": "2s""#),
        ])
        let serve = try ServeProcess(scenario).start()
        try serve.waitFor("a run of each") { try ["skip", "latest", "all", "deadline"].allSatisfy { try !serve.runs($0).isEmpty } }
        #expect(try serve.stop() == 0)
        let stoppedAt = Date()
        let lastBefore = try Dictionary(uniqueKeysWithValues: ["skip", "latest", "all", "deadline"].map { ($0, try serve.runs($0).compactMap(\.scheduledAt).max() ?? "") })
        Thread.sleep(forTimeInterval: 5)  // the outage itself: slots must pass while no daemon runs
        try serve.start()
        try serve.waitFor("the catch-up") { try serve.runs("all").filter { $0.scheduledAt! > lastBefore["all"]! }.count >= 5 }
        try serve.waitFor("catch-up runs to end") { try serve.runs().allSatisfy { $0.state != "running" && $0.state != "queued" } || Date().timeIntervalSince(stoppedAt) > 20 }
        #expect(try serve.stop() == 0)

        func outage(_ pipeline: String) throws -> [ServeProcess.Run] {
            let runs = try serve.runs(pipeline).filter { $0.scheduledAt! > lastBefore[pipeline]! }
            // The restart's first wake-up decided every slot since the stop at once (one
            // createdAt); its newest slot, less than a second old, is the on-time one and the
            // rest are the outage's.
            guard let first = runs.map(\.createdAt).min() else { return [] }
            let batch = runs.filter { $0.createdAt == first }.sorted { $0.scheduledAt! < $1.scheduledAt! }
            return Array(batch.dropLast())
        }
        let skipped = try outage("skip")
        let skipRuns = try serve.runs("skip").map { "\($0.scheduledAt!) \($0.state) \($0.createdAt)" }
        #expect(skipped.count >= 3, "\(skipRuns) lastBefore \(lastBefore["skip"]!)")
        #expect(skipped.allSatisfy { $0.state == "missed" && $0.reason?.contains("missed: skip") == true }, "\(skipped)")
        let latest = try outage("latest")
        #expect(latest.filter { $0.state != "missed" }.count == 1, "\(latest)")
        #expect(latest.last?.state == "succeeded")
        let all = try outage("all")
        #expect(all.count >= 3)
        #expect(all.allSatisfy { $0.state == "succeeded" }, "\(all)")
        let deadline = try outage("deadline")
        #expect(deadline.contains { $0.state == "missed" && $0.reason?.contains("startingDeadline of 2s") == true }, "\(deadline)")
        #expect(deadline.contains { $0.state == "succeeded" }, "\(deadline)")
        let statuses = try serve.runs().map(\.state)
        #expect(!statuses.contains("running"))
        // Every missed slot raised the `missed` alert.
        let raised = ((try? String(contentsOfFile: alerts, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0 == "missed skip missed" }
        #expect(raised.count >= skipped.count, "\(raised.count) alerts for \(skipped.count) missed slots")
    }

    @Test func theThreeConcurrencyPolicies() throws {
        let slow = "sleep 2.5"
        let scenario = try ReconcilerScenario(committing: [
            "forbid": servedPipeline("forbid", run: slow),
            "replace": servedPipeline("replace", run: slow, schedule: #", "concurrency": "replace""#),
            "allow": servedPipeline("allow", run: "echo start >> $HOME/../allow.trace; sleep 2.5; echo end >> $HOME/../allow.trace", schedule: #", "concurrency": "allow""#),
        ])
        let serve = try ServeProcess(scenario).start(["--workers", "16"])
        try serve.waitFor("each policy to meet an active run", timeout: 40) {
            try serve.runs("forbid").contains { $0.state == "skipped" }
                && serve.runs("replace").contains { $0.state == "cancelled" }
                && serve.runs("allow").filter { $0.state == "running" }.count >= 2
        }
        #expect(try serve.stop() == 0)
        let forbid = try serve.runs("forbid")
        #expect(forbid.first { $0.state == "skipped" }?.reason?.contains("still active (concurrency: forbid)") == true)
        // Never two runs of `forbid` at once.
        let intervals = forbid.filter { $0.startedAt != nil && $0.finishedAt != nil }.map { (Self.date($0.startedAt!)!, Self.date($0.finishedAt!)!) }.sorted { $0.0 < $1.0 }
        #expect(zip(intervals, intervals.dropFirst()).allSatisfy { $1.0 >= $0.1.addingTimeInterval(-0.01) }, "\(intervals)")
        let replaced = try serve.runs("replace").first { $0.state == "cancelled" }
        #expect(replaced?.reason?.contains("replaced by run") == true, "\(String(describing: replaced))")
        // `allow` overlapped, as the tasks themselves saw it.
        let trace = (try? String(contentsOfFile: serve.state + "/runs/allow.trace", encoding: .utf8)) ?? ""
        var running = 0, peak = 0
        for line in trace.split(separator: "\n") {
            running += line == "start" ? 1 : -1
            peak = max(peak, running)
        }
        #expect(peak >= 2, "\(trace)")
    }

    @Test func suspendAndResumeAreOperatorOverridesOnTopOfGit() throws {
        let scenario = try ReconcilerScenario(committing: ["p": servedPipeline("p")])
        let serve = try ServeProcess(scenario).start()
        try serve.waitFor("a run") { try !serve.runs("p").isEmpty }
        let suspended = try scenario.withState("suspend", "p", "--reason", "warehouse maintenance")
        #expect(suspended.status == 0, "\(suspended.stderr)")
        let user = OperatorName.current
        #expect(suspended.stdout.contains("p suspended by \(user)"))
        Thread.sleep(forTimeInterval: 0.5)  // a slot may already be firing
        let last = try serve.runs("p").map(\.id).max() ?? 0
        Thread.sleep(forTimeInterval: 2.5)  // slots pass while suspended
        #expect(try serve.runs("p").filter { $0.id > last }.isEmpty, "a run started while suspended")
        let status = try scenario.withState("status")
        #expect(status.stdout.contains("by \(user) since") && status.stdout.contains("warehouse maintenance"), "\(status.stdout)")
        let audit = try scenario.withState("audit", "--pipeline", "p")
        #expect(audit.stdout.contains("suspend"), "\(audit.stdout)")

        let resumed = try scenario.withState("resume", "p")
        #expect(resumed.status == 0)
        try serve.waitFor("runs again after resume") { try serve.runs("p").contains { $0.id > last && $0.state == "succeeded" } }
        // Slots that passed while suspended are not caught up on.
        #expect(try serve.runs("p").filter { $0.id > last }.allSatisfy { $0.state != "missed" })
        #expect(try serve.stop() == 0)
    }

    @Test func triggerQueuesAManualRunAndWaitFollowsItToTheEnd() throws {
        let scenario = try ReconcilerScenario(committing: [
            "manual": """
                {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "manual",
                 "parameters": {"region": {"default": "us", "allowed": ["us", "eu"]}},
                 "tasks": [{"id": "say", "run": "echo region=$BATON_PARAM_REGION >> $BATON_OUTPUT"}]}

                """,
            "broken": servedPipeline("broken", every: "1h", run: "exit 3"),
        ])
        let serve = try ServeProcess(scenario).start(interval: "1h")
        let waited = try scenario.withState("trigger", "manual", "--param", "region=eu", "--wait", "--json")
        #expect(waited.status == 0, "\(waited.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(waited.stdout.utf8)) as? [String: Any])
        let run = try #require(json["run"] as? [String: Any])
        #expect(run["state"] as? String == "succeeded")
        #expect((run["tasks"] as? [[String: Any]])?.first?["outputs"] as? [String: String] == ["region": "eu"])

        let queued = try scenario.withState("trigger", "manual")
        #expect(queued.status == 0)
        #expect(queued.stdout.contains("queued"))
        let bad = try scenario.withState("trigger", "manual", "--param", "region=asia")
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("allowed: us, eu"))
        let failing = try scenario.withState("trigger", "broken", "--wait")
        #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
        #expect(failing.stdout.contains("failed"))
        #expect(try serve.stop() == 0)
        let stopped = try scenario.withState("trigger", "manual")
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("no baton serve runs"))
    }

    @Test func aWebhookReceivesAFailureWithTheTaskAndItsLastLogLines() throws {
        let receiver = try WebhookReceiver()
        defer { receiver.stop() }
        let scenario = try ReconcilerScenario(committing: [
            "flaky": servedPipeline("flaky", every: "1h", run: "echo connecting to the warehouse; echo refused >&2; exit 4",
                                    fields: #", "alerts": [{"on": ["failure"], "webhook": "\#(receiver.url)"}]"#),
        ])
        let serve = try ServeProcess(scenario).start(interval: "1h")
        let triggered = try scenario.withState("trigger", "flaky", "--wait")
        #expect(triggered.status == 1)
        try serve.waitFor("the webhook") { receiver.bodies().count >= 1 }
        let body = try #require(receiver.bodies().first)
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(object["event"] as? String == "failure")
        #expect(object["pipeline"] as? String == "flaky")
        #expect(object["state"] as? String == "failed")
        #expect(object["task"] as? String == "work")
        #expect(object["commit"] as? String == (try scenario.repo.head()))
        #expect((object["author"] as? String)?.contains("ana@example.com") == true)
        let text = try #require(object["text"] as? String)
        #expect(text.contains("*flaky*") && text.contains("`work`") && text.contains("exited with status 4"), "\(text)")
        let tail = (object["logTail"] as? [String]) ?? []
        #expect(tail.contains { $0.contains("connecting to the warehouse") } && tail.contains { $0.contains("refused") }, "\(tail)")
        #expect(try serve.stop() == 0)
    }

    @Test func aStopLetsARunningTaskFinishWithinTheGraceAndEndsTheRestAfterIt() throws {
        let scenario = try ReconcilerScenario(committing: [
            "short": servedPipeline("short", every: "1h", run: "sleep 1; echo finished"),
            "long": servedPipeline("long", every: "1h", run: "sleep 300 & sleep 300"),
        ])
        let serve = try ServeProcess(scenario).start(["--grace", "3s"], interval: "1h")
        _ = try scenario.withState("trigger", "short")
        _ = try scenario.withState("trigger", "long")
        try serve.waitFor("both running") { try serve.runs().filter { $0.state == "running" }.count == 2 }
        try serve.waitFor("the task processes") { serve.taskProcesses().count >= 3 }
        let status = try serve.stop(timeout: 30)
        #expect(status == 0)
        #expect(try serve.runs("short").first?.state == "succeeded")
        #expect(try serve.runs("long").first?.state == "cancelled")
        #expect(serve.taskProcesses().isEmpty, "task processes outlived the daemon")
        #expect(try serve.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM task_attempt WHERE state = 'running'") } == 0)
    }

    @Test func aSecondDaemonOnTheSameStateDirectoryExitsNamingTheFirst() throws {
        let scenario = try ReconcilerScenario(committing: ["p": servedPipeline("p", every: "1h")])
        let first = try ServeProcess(scenario).start(interval: "1h")
        let second = try BatonBinary.run(["serve", "--repo", scenario.repo.path, "--state", scenario.state])
        #expect(second.status == 1)
        #expect(second.stderr.contains("pid \(first.pid)"), "\(second.stderr)")
        #expect(try first.stop() == 0)
    }
}

extension ServeTests {
    @Test func retryLateAndSuccessAlertsRunTheirCommandsWithTheAlertVariables() throws {
        let scenario = try ReconcilerScenario()
        let marker = scenario.directory.url.appendingPathComponent("second-try").path
        let alerts = scenario.directory.url.appendingPathComponent("alerts.txt").path
        // Fails once, then succeeds; slow enough to be late for an sla of 1s.
        let run = "sleep 1.5; if [ -e \(marker) ]; then echo recovered; else touch \(marker); echo first try fails; exit 1; fi"
        try scenario.repo.write("manifests/flaky.json", """
            {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "flaky", "schedule": {"every": "1h"},
             "defaults": {"retries": 1, "retryDelay": "100ms"},
             "tasks": [{"id": "load", "run": "\(run)"}],
             "alerts": [{"on": ["retry", "success", "late"], "sla": "1s",
                         "command": ["sh", "-c", "echo $BATON_ALERT_EVENT $BATON_ALERT_PIPELINE $BATON_ALERT_RUN $BATON_ALERT_TASK $BATON_ALERT_STATE >> \(alerts)"]}]}

            """)
        try scenario.repo.commit("Add flaky")
        let serve = try ServeProcess(scenario).start(interval: "1h")
        let triggered = try scenario.withState("trigger", "flaky", "--wait")
        #expect(triggered.status == 0, "\(triggered.stdout)\(triggered.stderr)")
        try serve.waitFor("the retry and success alerts") {
            let text = (try? String(contentsOfFile: alerts, encoding: .utf8)) ?? ""
            return text.contains("retry flaky") && text.contains("success flaky")
        }
        let lines = try String(contentsOfFile: alerts, encoding: .utf8).split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("retry flaky") && $0.contains(" load running") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("success flaky") && $0.hasSuffix("succeeded") }, "\(lines)")
        #expect(try serve.stop() == 0)

        // A scheduled run that outlives its sla raises `late` while it still runs.
        try scenario.repo.write("manifests/tick.json", servedPipeline("tick", every: "2s", run: "sleep 3.5",
            fields: #", "alerts": [{"on": ["late"], "sla": "1s", "command": ["sh", "-c", "echo $BATON_ALERT_EVENT $BATON_ALERT_PIPELINE $BATON_ALERT_STATE >> \#(alerts)"]}]"#))
        try scenario.repo.commit("A slow pipeline")
        try serve.start()
        try serve.waitFor("the late alert") { ((try? String(contentsOfFile: alerts, encoding: .utf8)) ?? "").contains("late tick running") }
        #expect(try serve.stop() == 0)
    }

    @Test func aTaskInterruptedByACrashIsRetriedByItsPolicyAfterTheRestart() throws {
        let scenario = try ReconcilerScenario()
        let marker = scenario.directory.url.appendingPathComponent("attempts").path
        try scenario.repo.write("manifests/resilient.json", """
            {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "resilient",
             "tasks": [{"id": "long", "retries": 2, "retryDelay": "100ms",
                        "run": "echo $BATON_ATTEMPT >> \(marker); if [ $BATON_ATTEMPT = 1 ]; then sleep 300; fi"},
                       {"id": "after", "needs": ["long"], "run": "true"}]}

            """)
        try scenario.repo.commit("Add resilient")
        let serve = try ServeProcess(scenario).start(interval: "1h")
        _ = try scenario.withState("trigger", "resilient")
        try serve.waitFor("the first attempt's process") { !serve.taskProcesses().isEmpty }
        let orphans = serve.taskProcesses()
        serve.crash()
        #expect(orphans.allSatisfy(ServeProcess.isRunning), "the task died with the daemon; nothing to recover")

        try serve.start(interval: "1h")
        try serve.waitFor("the run to end") { try serve.runs("resilient").first?.state == "succeeded" }
        #expect(!orphans.contains(where: ServeProcess.isRunning), "the interrupted attempt's process was left running")
        let attempts = try serve.read { db in
            try Row.fetchAll(db, sql: "SELECT taskID, attempt, state, reason FROM task_attempt ORDER BY id").map {
                "\($0["taskID"] as String) \($0["attempt"] as Int) \($0["state"] as String) \(($0["reason"] as String?) ?? "")"
            }
        } ?? []
        #expect(attempts == ["long 1 failed interrupted", "long 2 succeeded ", "after 1 succeeded "], "\(attempts)")
        #expect(try String(contentsOfFile: marker, encoding: .utf8) == "1\n2\n")
        #expect(try serve.stop() == 0)
    }

    @Test func cancellingARunningRunFromAnotherProcessStopsItsTasks() throws {
        let scenario = try ReconcilerScenario()
        try scenario.repo.write("manifests/long.json", servedPipeline("long", every: "1h", run: "sleep 300 & sleep 300"))
        try scenario.repo.commit("Add long")
        let serve = try ServeProcess(scenario).start(interval: "1h")
        let queued = try scenario.withState("trigger", "long", "--json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(queued.stdout.utf8)) as? [String: Any])
        let runID = try #require(object["run"] as? Int)
        try serve.waitFor("the task processes") { serve.taskProcesses().count >= 2 }
        let cancelled = try scenario.withState("cancel", String(runID))
        #expect(cancelled.status == 0, "\(cancelled.stderr)")
        try serve.waitFor("the run to end cancelled") { try serve.runs("long").first?.state == "cancelled" }
        try serve.waitFor("the processes to go", timeout: 15) { serve.taskProcesses().isEmpty }
        let reason = try serve.runs("long").first?.reason ?? ""
        #expect(reason.contains("cancel requested by"), "\(reason)")
        #expect(try serve.stop() == 0)
    }
}

extension ServeTests {
    @Test func logsFollowPrintsLinesAsTheyComeAndEndsWithTheRun() throws {
        let scenario = try ReconcilerScenario()
        try scenario.repo.write("manifests/chatty.json", servedPipeline("chatty", every: "1h", run: "echo first line; sleep 1.5; echo second line >&2"))
        try scenario.repo.commit("Add chatty")
        let serve = try ServeProcess(scenario).start(interval: "1h")
        let queued = try scenario.withState("trigger", "chatty", "--json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(queued.stdout.utf8)) as? [String: Any])
        let runID = try #require(object["run"] as? Int)
        try serve.waitFor("the task to start") { try serve.runs("chatty").first?.state == "running" }
        let started = Date()
        let followed = try scenario.withState("logs", String(runID), "--follow")
        #expect(followed.status == 0, "\(followed.stderr)")
        #expect(followed.stdout.contains("stdout first line") && followed.stdout.contains("stderr second line"), "\(followed.stdout)")
        // It waited for the run (1.5 s of sleep) and left soon after it ended.
        let waited = Date().timeIntervalSince(started)
        #expect(waited > 1 && waited < 5, "followed for \(waited) s")
        #expect(try serve.runs("chatty").first?.state == "succeeded")
        #expect(try serve.stop() == 0)
    }
}

extension ServeTests {
    @Test func aFailingSourceBacksOffSaysSoInStatusAndStopsNothing() throws {
        let scenario = try ReconcilerScenario(committing: ["p": servedPipeline("p")])
        let serve = try ServeProcess(scenario).start(interval: "1s")
        try serve.waitFor("a run") { try !serve.runs("p").isEmpty }
        let moved = scenario.repo.path + ".away"
        try FileManager.default.moveItem(atPath: scenario.repo.path, toPath: moved)
        serve.signal(SIGHUP)
        try serve.waitFor("two failed passes") { ((try serve.read { try Int.fetchOne($0, sql: "SELECT sourceFailures FROM daemon") } ?? nil) ?? 0) >= 2 }
        let status = try scenario.withState("status")
        #expect(status.stdout.contains("backing off") && status.stdout.contains("what is live keeps running"), "\(status.stdout)")
        // Backing off: the third pass waits 8 intervals, not one.
        let next = try #require(try serve.read { try String.fetchOne($0, sql: "SELECT nextReconcileAt FROM daemon") } ?? nil)
        let failedAt = try #require(try serve.read { try String.fetchOne($0, sql: "SELECT lastReconcileAt FROM daemon") } ?? nil)
        let wait = try #require(Self.date(next)).timeIntervalSince(try #require(Self.date(failedAt)))
        #expect(wait > 3, "the next pass is only \(wait) s away")
        let before = try serve.runs("p").count
        try serve.waitFor("p to keep firing while the source fails") { try serve.runs("p").count >= before + 2 }

        try FileManager.default.moveItem(atPath: moved, toPath: scenario.repo.path)
        serve.signal(SIGHUP)
        try serve.waitFor("the source to answer again") { (try serve.read { try Int.fetchOne($0, sql: "SELECT sourceFailures FROM daemon") } ?? nil) == 0 }
        #expect(serve.logLines().contains { $0.message == "the source answers again" })
        #expect(try serve.stop() == 0)
    }
}

enum OperatorName {
    static var current: String {
        if let name = getpwuid(geteuid())?.pointee.pw_name { return String(cString: name) }
        return String(geteuid())
    }
}

/// An HTTP server on loopback that records the bodies POSTed to it: python3's http.server,
/// a real peer for the webhook client.
final class WebhookReceiver: @unchecked Sendable {
    let process = Process()
    let directory: BatonTestSupport.TemporaryDirectory
    let port: UInt16

    init() throws {
        directory = try BatonTestSupport.TemporaryDirectory()
        port = try FreePort.find()
        let script = """
            import http.server, os, sys, itertools
            out = sys.argv[1]
            counter = itertools.count()
            class H(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
                    n = next(counter)
                    with open(os.path.join(out, '%04d.tmp' % n), 'wb') as f: f.write(body)
                    os.rename(os.path.join(out, '%04d.tmp' % n), os.path.join(out, '%04d.json' % n))
                    self.send_response(200); self.end_headers()
                def log_message(self, *a): pass
            http.server.HTTPServer(('127.0.0.1', int(sys.argv[2])), H).serve_forever()
            """
        try script.write(toFile: directory.sub("server.py"), atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory.sub("bodies"), withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", directory.sub("server.py"), directory.sub("bodies"), String(port)]
        try process.run()
        guard FreePort.waitUntilAccepting(port: port, timeout: 20, while: { process.isRunning }) else {
            throw DaemonTestFailure.timedOut("the webhook receiver to listen")
        }
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    func bodies() -> [Data] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.sub("bodies"))) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        return names.compactMap { FileManager.default.contents(atPath: directory.sub("bodies/\($0)")) }
    }

    func stop() {
        // SIGKILL: a child of the test runner inherits its blocked signals, SIGTERM included.
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }
}
