import BatonOperations
import BatonServer
import BatonTestSupport
import Foundation
import Testing

/// The dashboard in a real browser (Debian's headless `chromium`) against a real daemon
/// running real pipelines: every page photographed at a phone's 390 px and a desktop's
/// 1,920 px into `.build/screenshots/`, and the DOM checked after the page's script ran.
///
/// The pipeline: `extract` fans out to `clean`, `flaky` (fails once, then succeeds on its
/// retry) and `printer` (a line every 200 ms for about four seconds), which fan in to `load`.
@Suite(.enabled(if: HeadlessChromium.isAvailable, "needs /usr/bin/chromium (Debian `chromium`)"))
struct DashboardBrowserTests {
    static let tasks = 5
    static let dependencies = 6

    static func manifests(marker: String, lines: Int = 20) -> [String: String] {
        let tasks = """
        [{"id": "extract", "run": "echo extracting"},
         {"id": "clean", "needs": ["extract"], "run": "echo cleaning"},
         {"id": "flaky", "needs": ["extract"], "retries": 1, "retryDelay": "1s",
          "run": "if [ -e \(marker) ]; then echo second try; else touch \(marker); echo first try fails >&2; exit 1; fi"},
         {"id": "printer", "needs": ["extract"], "run": "for i in $(seq 1 \(lines)); do echo line $i; sleep 0.2; done"},
         {"id": "load", "needs": ["clean", "flaky", "printer"], "run": "echo loaded"}]
        """
        return ["warehouse": ServerHarness.pipeline("warehouse", tasks: tasks)]
    }

    /// `.build/screenshots/` of this package, whatever the working directory.
    static let screenshots: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/screenshots").path
    }()

    /// A browser on a fresh profile, closed whatever the body does.
    static func withBrowser<T: Sendable>(_ harness: ServerHarness, _ body: (HeadlessChromium) async throws -> T) async throws -> T {
        let browser = try await HeadlessChromium(profile: harness.temp.sub("chromium-\(UUID().uuidString)"))
        do {
            let result = try await body(browser)
            browser.close()
            return result
        } catch {
            browser.close()
            throw error
        }
    }

    /// Signs in through the form, as a person would: types the token, submits, and lands
    /// on the page `next` named.
    static func signIn(_ browser: HeadlessChromium, harness: ServerHarness, token: String) async throws {
        try await browser.navigate(harness.base + "/ui/sign-in?next=%2Fui%2Fcommits")
        try await browser.evaluate("""
            document.querySelector('#token').value = \(Self.jsString(token));
            document.querySelector('form.signin-form').submit(); true
            """)
        try await eventually("the sign-in to land on the commits page") {
            try await browser.evaluate("location.pathname + ' ' + document.readyState") as? String == "/ui/commits complete"
        }
    }

    static func jsString(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    @Test func everyPageReadsAtBothWidthsAndDrawsTheRun() async throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        try await withDashboard(Self.manifests(marker: scratch.sub("flaky-marker"))) { harness in
            let run = try await harness.operations.trigger(TriggerRequest(pipeline: "warehouse"), by: .token("operator")).run.id
            #expect(try await harness.finished(run) == "succeeded")
            try await Self.withBrowser(harness) { browser in
                try await browser.viewport(width: 390, height: 844)
                try await browser.navigate(harness.base + "/ui/sign-in")
                try await browser.screenshot(width: 390, to: "\(Self.screenshots)/sign-in-390.png")
                try await browser.screenshot(width: 1920, to: "\(Self.screenshots)/sign-in-1920.png")
                try await Self.signIn(browser, harness: harness, token: ServerHarness.operateToken)

                let pages = [
                    ("pipelines", "/ui/pipelines"), ("pipeline", "/ui/pipelines/warehouse"), ("run", "/ui/runs/\(run)"), ("commits", "/ui/commits"),
                ]
                for (name, path) in pages {
                    try await browser.navigate(harness.base + path)
                    let title = try await browser.evaluate("document.title") as? String
                    #expect(title?.hasSuffix("· Baton") == true, "\(name): \(title ?? "no title")")
                    for width in [390, 1920] {
                        try await browser.screenshot(width: width, to: "\(Self.screenshots)/\(name)-\(width).png")
                        // Nothing wider than the screen but the charts' own scrollers.
                        let overflow = try await browser.evaluate("document.documentElement.scrollWidth - window.innerWidth") as? Int
                        #expect(overflow == 0, "\(name) at \(width) px overflows by \(overflow ?? -1) px")
                    }
                }

                // The run page, after its script ran.
                try await browser.navigate(harness.base + "/ui/runs/\(run)")
                let count = { (selector: String) async throws -> Int in
                    try await browser.evaluate("document.querySelectorAll(\(Self.jsString(selector))).length") as? Int ?? -1
                }
                #expect(try await count("svg#dag g.dag-node[data-task]") == Self.tasks)
                #expect(try await count("svg#dag path.dag-edge[data-from][data-to]") == Self.dependencies)
                #expect(try await count("svg#dag path.dag-edge[data-from=extract]") == 3)
                #expect(try await count("svg#dag path.dag-edge[data-to=load]") == 3)
                #expect(try await count("svg#gantt rect.gantt-bar") == Self.tasks + 1)
                #expect(try await count("svg#gantt rect.gantt-bar[data-task=flaky]") == 2)
                #expect(try await count("svg#gantt rect.gantt-bar[data-task=flaky][data-attempt='2']") == 1)
                #expect(try await count("pre.log[data-task=printer] > span") == 20)
                #expect(try await browser.evaluate("document.querySelector('#run-facts').dataset.state") as? String == "succeeded")
                // An operator sees the pipeline's forms; the session cookie is invisible to scripts.
                try await browser.navigate(harness.base + "/ui/pipelines/warehouse")
                #expect(try await count("form[action='/ui/pipelines/warehouse/trigger'] input[name=csrf]") == 1)
                #expect(try await browser.evaluate("document.cookie") as? String == "")
            }
        }
    }

    @Test func theLogOfARunningTaskGrowsInThePage() async throws {
        let scratch = try TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let lines = 40
        try await withDashboard(Self.manifests(marker: scratch.sub("flaky-marker"), lines: lines)) { harness in
            try await Self.withBrowser(harness) { browser in
                // Signed in before the run starts, so the page opens while the task prints.
                try await Self.signIn(browser, harness: harness, token: ServerHarness.readToken)
                try await browser.viewport(width: 1920, height: 1080)
                let run = try await harness.operations.trigger(TriggerRequest(pipeline: "warehouse"), by: .token("operator")).run.id
                try await eventually("the printer to start") {
                    try await harness.operations.run(run).run.attempts?.contains { $0.task == "printer" && $0.state == .running } == true
                }
                try await browser.navigate(harness.base + "/ui/runs/\(run)")
                let count = "document.querySelectorAll('pre.log[data-task=printer] > span').length"
                let first = try await browser.evaluate(count) as? Int ?? -1
                var later = first
                try await eventually(timeout: .seconds(10), "the printer's log to grow in the page") {
                    later = try await browser.evaluate(count) as? Int ?? -1
                    return later >= first + 3
                }
                #expect(first < lines)
                #expect(later > first)
                try await browser.screenshot(width: 390, to: "\(Self.screenshots)/run-live-390.png")
                // Once the task is done the stream's `end` event marks the panel ended, with
                // every line there exactly once.
                try await eventually(timeout: .seconds(20), "the printer's stream to end") {
                    try await browser.evaluate("document.querySelector('pre.log[data-task=printer]').dataset.ended === '1'") as? Bool == true
                }
                let all = try await browser.evaluate("Array.from(document.querySelectorAll('pre.log[data-task=printer] > span')).map(s => s.textContent.split(' ').slice(1).join(' ')).join('|')") as? String
                #expect(all == (1...lines).map { "line \($0)" }.joined(separator: "|"))
                try await harness.finished(run)
            }
        }
    }
}
