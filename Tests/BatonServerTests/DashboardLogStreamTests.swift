import BatonOperations
import BatonServer
import BatonTestSupport
import Foundation
import Testing

/// The live log over Server-Sent Events, from a real task printing as it runs: one `message`
/// per line with the byte offset after it as `id`, resuming from `?offset=` or
/// `Last-Event-ID`, one `end` event once the attempt is over, and errors for what does not
/// exist.
@Suite struct DashboardLogStreamTests {
    static let manifests = [
        "ticker": ServerHarness.pipeline("ticker", tasks: #"[{"id": "tick", "run": "for i in 1 2 3 4 5 6 7 8 9 10; do echo tick $i; sleep 0.15; done; echo oops >&2"}]"#),
    ]

    /// A ticker that prints five lines, then waits for `gate` to exist before printing the
    /// rest: lines that arrive after the test opens the gate were streamed live, whatever the
    /// machine's load.
    static func gated(_ gate: String) -> [String: String] {
        ["ticker": ServerHarness.pipeline("ticker", tasks: #"[{"id": "tick", "run": "for i in 1 2 3 4 5; do echo tick $i; done; while [ ! -e \#(gate) ]; do sleep 0.02; done; for i in 6 7 8 9 10; do echo tick $i; done; echo oops >&2"}]"#)]
    }

    @Test func aRunningTaskStreamsItsLinesThenEnds() async throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let gate = scratch.sub("gate")
        try await withDashboard(Self.gated(gate)) { harness in
            let run = try await harness.operations.trigger(TriggerRequest(pipeline: "ticker"), by: .token("test")).run.id
            try await eventually("the task to start") {
                try await harness.operations.run(run).run.attempts?.contains { $0.task == "tick" } == true
            }
            let browser = harness.client()
            try await browser.signIn(ServerHarness.readToken)
            // The run page follows the log while the task runs.
            let page = try await browser.get("/ui/runs/\(run)")
            #expect(page.body.contains("data-stream=\"/ui/runs/\(run)/tasks/tick/attempts/1/log/stream?offset="))

            let url = harness.base + "/ui/runs/\(run)/tasks/tick/attempts/1/log/stream?offset=0"
            let cookie = ("Cookie", "baton_session=\(browser.cookies["baton_session"] ?? "")")
            var statesWhileStreaming: [String] = []
            var afterGate = 0
            let opened = try await EventStreamReader.read(url, headers: [cookie]) { event in
                guard event.event == "message" else { return }
                if FileManager.default.fileExists(atPath: gate) { afterGate += 1 }
                if event.data.hasSuffix(" tick 5") {
                    statesWhileStreaming.append(try await harness.operations.run(run).run.state.rawValue)
                    #expect(FileManager.default.createFile(atPath: gate, contents: nil))
                }
            }
            #expect(opened.status == 200)
            #expect(opened.contentType?.hasPrefix("text/event-stream") == true)
            let messages = opened.events.filter { $0.event == "message" }
            #expect(messages.count == 11)
            #expect(messages.first?.data.hasSuffix(" tick 1") == true)
            #expect(messages.dropLast().last?.data.hasSuffix(" tick 10") == true)
            #expect(messages.last?.data.hasSuffix(" [stderr] oops") == true)
            // The first lines came while the task was still running (it waits for the gate
            // the test opens on seeing them), and the rest after.
            #expect(statesWhileStreaming == ["running"])
            #expect(afterGate == 6)
            let ids = messages.compactMap { $0.id.flatMap { UInt64($0) } }
            #expect(ids.count == messages.count)
            #expect(ids == ids.sorted() && Set(ids).count == ids.count)
            #expect(opened.events.last == ServerSentEvent(id: nil, event: "end", data: "succeeded"))

            // The ids are byte offsets into the log: what a reconnect resumes from.
            let size = try await harness.operations.log(LogRequest(run: run, task: "tick", attempt: 1)).size
            #expect(ids.last == size)
        }
    }

    @Test func aStreamResumesFromAnOffsetOrTheLastEventID() async throws {
        try await withDashboard(Self.manifests) { harness in
            let run = try await harness.operations.trigger(TriggerRequest(pipeline: "ticker"), by: .token("test")).run.id
            try await harness.finished(run)
            let base = harness.base + "/ui/runs/\(run)/tasks/tick/attempts/1/log/stream"
            let bearer = ("Authorization", "Bearer \(ServerHarness.readToken)")
            let all = try await EventStreamReader.read(base, headers: [bearer]).events
            #expect(all.count == 12)
            let third = try #require(all[2].id)

            let fromOffset = try await EventStreamReader.read(base + "?offset=\(third)", headers: [bearer]).events
            #expect(fromOffset.first?.data.hasSuffix(" tick 4") == true)
            #expect(fromOffset.count == 9)
            #expect(fromOffset.last?.event == "end")

            // A reconnect: Last-Event-ID wins over the URL's offset.
            let eighth = try #require(all[7].id)
            let resumed = try await EventStreamReader.read(base + "?offset=0", headers: [bearer, ("Last-Event-ID", eighth)]).events
            #expect(resumed.map(\.data).first?.hasSuffix(" tick 9") == true)
            #expect(resumed.count == 4)
        }
    }

    @Test func aStreamRefusesWhatDoesNotExistAndStrangers() async throws {
        try await withDashboard(Self.manifests) { harness in
            let run = try await harness.operations.trigger(TriggerRequest(pipeline: "ticker"), by: .token("test")).run.id
            try await harness.finished(run)
            let browser = harness.client()
            let path = "/ui/runs/\(run)/tasks/tick/attempts/1/log/stream"
            #expect(try await browser.get(path).status == 401)
            try await browser.signIn(ServerHarness.readToken)
            for (suffix, status) in [("?offset=99999999", 400), ("?offset=-1", 400), ("?offset=abc", 400)] {
                let reply = try await browser.get(path + suffix)
                #expect(reply.status == status, "\(suffix)")
                #expect(reply.header("Content-Type")?.hasPrefix("text/html") == true)
            }
            #expect(try await browser.get("/ui/runs/\(run)/tasks/nope/attempts/1/log/stream").status == 404)
            #expect(try await browser.get("/ui/runs/\(run)/tasks/tick/attempts/7/log/stream").status == 404)
            #expect(try await browser.get("/ui/runs/999999/tasks/tick/attempts/1/log/stream").status == 404)
        }
    }

    @Test func aStreamEndsWhenTheDaemonStops() async throws {
        let manifests = ["long": ServerHarness.pipeline("long", tasks: #"[{"id": "wait", "run": "echo start; sleep 30"}]"#)]
        let harness = try await ServerHarness.dashboard(manifests)
        let run = try await harness.operations.trigger(TriggerRequest(pipeline: "long"), by: .token("test")).run.id
        try await eventually("the task to start") {
            try await harness.operations.run(run).run.attempts?.contains { $0.task == "wait" } == true
        }
        let url = harness.base + "/ui/runs/\(run)/tasks/wait/attempts/1/log/stream"
        let firstLine = OneShot<Bool>()
        let reader = Task {
            try await EventStreamReader.read(url, headers: [("Authorization", "Bearer \(ServerHarness.readToken)")]) { _ in firstLine.set(true) }
        }
        _ = await firstLine.value
        let started = ContinuousClock.now
        await harness.stop()
        _ = await reader.result
        // The open stream did not hold the graceful stop for the task's 30 seconds.
        #expect(ContinuousClock.now - started < .seconds(15))
    }
}
