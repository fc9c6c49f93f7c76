import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import BatonDashboard

@Suite struct GanttViewTests {
    let start = Fixtures.epoch

    func bars(_ model: RunPageModel) throws -> [XMLElement] {
        try Markup(Dashboard.runPage(model)).nodes("//*[@id='gantt']//rect[contains(@class,'gantt-bar')]")
    }

    func model(state: DashboardState, finished: Date?, attempts: [AttemptSummary], now: Date) -> RunPageModel {
        RunPageModel(
            chrome: PageChrome(viewer: nil, csrfToken: "t", now: now),
            pipeline: "p", id: 1, state: state, trigger: "manual", startedAt: start, finishedAt: finished,
            tasks: [TaskNode(id: "a", state: .failed), TaskNode(id: "b", needs: ["a"], state: .running)],
            attempts: attempts
        )
    }

    @Test func oneBarPerAttemptPlacedInProportionToTime() throws {
        // 100 s run: a's attempt 1 over 0–20 s, its retry over 30–60 s, b over 60–100 s.
        let attempts = [
            AttemptSummary(task: "a", attempt: 1, state: .failed, startedAt: start, finishedAt: start + 20, exitCode: 1),
            AttemptSummary(task: "a", attempt: 2, state: .succeeded, startedAt: start + 30, finishedAt: start + 60),
            AttemptSummary(task: "b", attempt: 1, state: .succeeded, startedAt: start + 60, finishedAt: start + 100),
        ]
        let rects = try bars(model(state: .succeeded, finished: start + 100, attempts: attempts, now: start + 500))
        #expect(rects.count == 3)
        let byKey = Dictionary(uniqueKeysWithValues: rects.map { ("\($0.value("data-task")!)#\($0.value("data-attempt")!)", $0) })
        #expect(Set(byKey.keys) == ["a#1", "a#2", "b#1"])
        let m = GanttView.Metrics()
        let left = m.labelWidth + m.margin, plot = m.width - left - m.margin
        func expectBar(_ key: String, from: Double, to: Double) {
            let rect = byKey[key]!
            #expect(abs(rect.number("x")! - (left + from / 100 * plot)) <= 0.1, "\(key) x")
            #expect(abs(rect.number("width")! - (to - from) / 100 * plot) <= 0.1, "\(key) width")
        }
        expectBar("a#1", from: 0, to: 20)
        expectBar("a#2", from: 30, to: 60)
        expectBar("b#1", from: 60, to: 100)
        // Same row for both attempts of a task, another row for the next task.
        #expect(byKey["a#1"]!.value("y") == byKey["a#2"]!.value("y"))
        #expect(byKey["b#1"]!.number("y")! > byKey["a#1"]!.number("y")!)
        // Colour by the attempt's state, and the state in words in the tooltip.
        #expect(byKey["a#1"]!.value("class")!.contains("state-failed"))
        #expect(byKey["a#2"]!.value("class")!.contains("state-succeeded"))
        #expect(byKey["a#1"]!.stringValue?.contains("failed") == true)
        #expect(byKey["a#1"]!.stringValue?.contains("exit 1") == true)
    }

    @Test func aRunningAttemptIsDrawnToNow() throws {
        let now = start + 40
        let attempts = [
            AttemptSummary(task: "a", attempt: 1, state: .succeeded, startedAt: start, finishedAt: start + 10),
            AttemptSummary(task: "b", attempt: 1, state: .running, startedAt: start + 10),
        ]
        let rects = try bars(model(state: .running, finished: nil, attempts: attempts, now: now))
        let running = rects.first { $0.value("data-task") == "b" }!
        let m = GanttView.Metrics()
        let right = m.width - m.margin
        // The frame ends at now, so the running bar reaches the right edge of the plot.
        #expect(abs(running.number("x")! + running.number("width")! - right) <= 0.1)
        #expect(running.stringValue?.contains("still running") == true)
        // Drawn later, the same attempt is longer.
        let later = try bars(model(state: .running, finished: nil, attempts: attempts, now: now + 60)).first { $0.value("data-task") == "b" }!
        #expect(later.number("width")! > running.number("width")! * 0 && abs(later.number("x")! + later.number("width")! - right) <= 0.1)
        let doneBefore = rects.first { $0.value("data-task") == "a" }!.number("width")!
        let doneLater = try bars(model(state: .running, finished: nil, attempts: attempts, now: now + 60)).first { $0.value("data-task") == "a" }!.number("width")!
        #expect(doneLater < doneBefore, "a finished bar shrinks as the frame grows towards now")
    }

    @Test func anAttemptNotStartedDrawsNoBarAndATinyOneStaysVisible() throws {
        let attempts = [
            AttemptSummary(task: "a", attempt: 1, state: .succeeded, startedAt: start, finishedAt: start + 3600),
            AttemptSummary(task: "b", attempt: 1, state: .succeeded, startedAt: start + 3600, finishedAt: start + 3600.001),
            AttemptSummary(task: "b", attempt: 2, state: .pending),
        ]
        let rects = try bars(model(state: .succeeded, finished: start + 3600.001, attempts: attempts, now: start + 4000))
        #expect(rects.count == 2)
        #expect(rects.first { $0.value("data-task") == "b" }!.number("width")! >= GanttView.Metrics().minimumBar)
    }

    @Test func noAttemptsMeansNoChart() throws {
        let page = try Markup(Dashboard.runPage(model(state: .queued, finished: nil, attempts: [], now: start)))
        #expect(try page.count("//*[@id='gantt']") == 0)
        #expect(page.text.contains("No attempt has started yet."))
    }

    @Test func axisTicksAreRoundSteps() throws {
        #expect(GanttView.tickStep(span: 7) == 1)
        #expect(GanttView.tickStep(span: 100) == 15)
        #expect(GanttView.tickStep(span: 3600) == 600)
        #expect(GanttView.tickStep(span: 30 * 86_400) == 4 * 86_400)
        let attempts = [AttemptSummary(task: "a", attempt: 1, state: .succeeded, startedAt: start, finishedAt: start + 120)]
        let page = try Markup(Dashboard.runPage(model(state: .succeeded, finished: start + 120, attempts: attempts, now: start + 120)))
        let labels = try page.nodes("//*[@id='gantt']//*[@class='axis']/text").map { $0.stringValue ?? "" }
        #expect(labels == ["0", "15s", "30s", "45s", "1m", "1m15s", "1m30s", "1m45s", "2m"])
    }
}
