import BatonDashboard
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@Suite struct PipelinesPageScaleTests {
    /// The benchmark serves this page with 1,000 pipelines live; rendering must stay a small
    /// part of a request even in a debug build.
    @Test func aThousandPipelinesRenderQuickly() throws {
        let chrome = Fixtures.chrome()
        let zone = Fixtures.saoPaulo
        let pipelines = (0..<1000).map { i in
            PipelineSummary(
                name: "pipeline-\(i)", description: "Load \(i)", version: i % 7 + 1, scheduleText: "every 15 minutes",
                timeZone: zone, nextFire: Fixtures.epoch + Double(i * 60),
                recentRuns: (0..<10).map { RunSquare(id: Int64(i * 10 + $0), state: $0 % 4 == 0 ? .failed : .succeeded, trigger: "schedule", slot: Fixtures.epoch - Double($0 * 900)) }
            )
        }
        let model = PipelinesPageModel(chrome: chrome, pipelines: pipelines)
        var page = ""
        let elapsed = ContinuousClock().measure { page = Dashboard.pipelinesPage(model) }
        #expect(elapsed < .seconds(2), "1,000 pipelines took \(elapsed)")
        let markup = try Markup(page)
        #expect(try markup.count("//table/tbody/tr") == 1000)
        #expect(try markup.count("//div[@class='grid']/a") == 10_000)
    }
}
