import BatonDashboard
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@Suite struct LogPanelTests {
    @Test func knownLinesComeFirstOneElementPerLine() throws {
        let markup = try Markup(Dashboard.runPage(Fixtures.run(Fixtures.chrome(), text: "<b>bold</b>")))
        let pre = try markup.nodes("//pre[@class='log'][@data-task='extract'][@data-attempt='1']").first!
        let lines = try pre.nodes(forXPath: "./*").compactMap { $0 as? XMLElement }
        #expect(lines.map { $0.stringValue ?? "" } == ["<b>bold</b>", "second line"])
        #expect(try pre.nodes(forXPath: ".//b").isEmpty)
        // A finished attempt has nothing to follow.
        #expect(pre.value("data-stream") == nil)
    }

    @Test func aLiveLogFollowsTheGivenStreamURL() throws {
        let page = Dashboard.runPage(Fixtures.run(Fixtures.chrome()))
        let markup = try Markup(page)
        let pre = try markup.nodes("//pre[@class='log'][@data-task='load'][@data-attempt='1']").first!
        #expect(pre.value("data-stream") == "/ui/runs/42/tasks/load/attempts/1/log/stream?offset=8")
        let scripts = try markup.nodes("//script").map { $0.stringValue ?? "" }
        #expect(scripts.count == 1)
        let script = scripts[0]
        // The script opens exactly the URL the panel names, appends each message as lines
        // with textContent (never as markup), and stops on `end`.
        #expect(script.contains("new EventSource(pre.dataset.stream)"))
        #expect(script.contains("source.onmessage"))
        #expect(script.contains("line.textContent = text"))
        #expect(script.contains("addEventListener(\"end\""))
        #expect(script.contains("source.close()"))
        #expect(!script.contains("innerHTML"))
        // The panel starts open so the tail is visible.
        let panel = try markup.nodes("//details[pre[@data-task='load']]").first!
        #expect(panel.value("open") != nil)
    }

    @Test func aHostileStreamURLStaysInItsAttribute() throws {
        var model = Fixtures.run(Fixtures.chrome())
        let url = "/ui/x\"><script>alert(1)</script>"
        model.logs = [LogPanel(task: "t", attempt: 1, state: .running, streamURL: url)]
        let markup = try Markup(Dashboard.runPage(model))
        #expect(try markup.nodes("//pre[@class='log']").first?.value("data-stream") == url)
        #expect(try markup.nodes("//script").allSatisfy { !($0.stringValue ?? "").contains("alert") })
    }

    @Test func onlyAFewLiveStreamsOpenAtOnce() throws {
        var model = Fixtures.run(Fixtures.chrome())
        model.logs = (1...7).map { LogPanel(task: "t\($0)", attempt: 1, state: .running, streamURL: "/s/\($0)") }
        let markup = try Markup(Dashboard.runPage(model))
        let open = try markup.nodes("//details[@open]")
        #expect(open.count == 4, "browsers allow six connections per host; the page needs some")
        #expect(try markup.count("//pre[@data-stream]") == 7, "the rest follow when opened")
    }

    @Test func noLogsYet() throws {
        var model = Fixtures.run(Fixtures.chrome(), state: .queued)
        model.logs = []
        let markup = try Markup(Dashboard.runPage(model))
        #expect(try markup.count("//script") == 0)
        #expect(markup.text.contains("No logs yet."))
    }
}
