import BatonManifest
import Foundation
import Testing

@Suite struct ValidManifestTests {
    @Test(arguments: (FixtureFiles.validFixtures + FixtureFiles.shippedManifests).map(\.path))
    func validManifestHasNoErrorsOrWarnings(_ path: String) {
        let file = ManifestFile(path: path, bytes: FixtureFiles.bytes(URL(fileURLWithPath: path)))
        #expect(file.diagnostics.map(\.formatted) == [])
        #expect(file.pipeline != nil)
    }

    @Test func shippedManifestsExist() {
        #expect(FixtureFiles.jsonFiles(in: FixtureFiles.repositoryRoot.appendingPathComponent("manifests"), recursive: true).count >= 3)
        #expect(FixtureFiles.jsonFiles(in: FixtureFiles.repositoryRoot.appendingPathComponent("examples"), recursive: true).count >= 1)
    }

    /// The decoded model carries every field of the reference manifest.
    @Test func fullManifestDecodesEveryField() throws {
        let file = FixtureFiles.manifest(FixtureFiles.directory.appendingPathComponent("valid/full.json"))
        let pipeline = try #require(file.pipeline)
        #expect(pipeline.name == "sales-etl")
        #expect(pipeline.description == "Nightly sales load")
        #expect(pipeline.owners == ["data-team@example.com"])
        #expect(pipeline.labels == ["team": "data", "tier": "gold", "example.com/cost-center": "42"])
        let schedule = try #require(pipeline.schedule)
        #expect(schedule.timeZone.identifier == "America/Sao_Paulo")
        #expect(schedule.missed == .latest)
        #expect(schedule.startingDeadline == (try ManifestDuration(parsing: "30m")))
        #expect(schedule.concurrency == .forbid)
        guard case .cron(let cron, _) = schedule.schedule else {
            Issue.record("expected a cron schedule")
            return
        }
        #expect(cron.text == "0 2 * * *")
        #expect(pipeline.suspend == false)
        #expect(pipeline.maxParallel == 4)
        #expect(pipeline.timeout?.description == "6h")
        #expect(pipeline.keepRuns == 30)
        #expect(pipeline.parameters == [
            Parameter(name: "region", defaultValue: "us", allowed: ["us", "eu"], description: "Which warehouse"),
            Parameter(name: "run_date", required: true),
        ])
        #expect(pipeline.env == [
            EnvironmentVariable(name: "WAREHOUSE", value: .literal("prod")),
            EnvironmentVariable(name: "DB_PASSWORD", value: .secret("warehouse-password")),
        ])
        #expect(pipeline.defaults.retries == 2)
        #expect(pipeline.defaults.retryBackoff == 2)
        #expect(pipeline.defaults.retryMaxDelay?.description == "10m")
        #expect(pipeline.tasks.map(\.id) == ["extract", "transform", "load", "eu-extra", "notify", "cleanup"])
        #expect(pipeline.tasks[0].action == .process(.shell("./etl/extract.sh")))
        #expect(pipeline.tasks[0].workdir == "etl")
        #expect(pipeline.tasks[1].action == .process(.arguments(["python3", "etl/transform.py"])))
        #expect(pipeline.tasks[1].cache == CacheSpec(inputs: ["etl/transform.py", "etl/sql/*.sql"], key: ["v2"], ttl: try ManifestDuration(parsing: "24h")))
        #expect(pipeline.tasks[1].settings.retries == 0)
        #expect(pipeline.tasks[1].settings.inheriting(from: pipeline.defaults).retryDelay?.description == "30s")
        #expect(pipeline.tasks[2].condition == TaskCondition(subject: .output(task: "extract", key: "rows"), test: .notEquals("0")))
        guard case .http(let http) = pipeline.tasks[2].action else {
            Issue.record("expected an http task")
            return
        }
        #expect(http.method == "POST")
        #expect(http.headers.first == EnvironmentVariable(name: "Authorization", value: .secret("warehouse-token")))
        #expect(http.body == #"{"table": "sales"}"#)
        #expect(http.expectStatus == [200, 202])
        #expect(pipeline.tasks[3].condition == TaskCondition(subject: .parameter("region"), test: .isIn(["eu"])))
        #expect(pipeline.tasks[4].when == .failure)
        #expect(pipeline.tasks[5].when == .always)
        #expect(pipeline.alerts == [
            Alert(on: [.failure, .missed], target: .webhook("https://hooks.example/data")),
            Alert(on: [.late], target: .command(.arguments(["./notify.sh", "late"])), sla: try ManifestDuration(parsing: "3h")),
        ])
    }

    @Test func defaultsApplyWhenFieldsAreAbsent() throws {
        let file = FixtureFiles.manifest(FixtureFiles.directory.appendingPathComponent("valid/minimal.json"))
        let pipeline = try #require(file.pipeline)
        #expect(pipeline.keepRuns == 100)
        #expect(pipeline.schedule == nil)
        #expect(pipeline.suspend == false)
        #expect(pipeline.tasks[0].when == .success)
        #expect(pipeline.tasks[0].needs == [])
    }

    @Test func unicodeIsDecodedIncludingEscapesAndSurrogatePairs() throws {
        let file = FixtureFiles.manifest(FixtureFiles.directory.appendingPathComponent("valid/unicode.json"))
        let pipeline = try #require(file.pipeline)
        #expect(pipeline.description == "Relatório diário é 😀 ✓")
        #expect(pipeline.owners == ["josé@example.com"])
        #expect(pipeline.tasks[0].action == .process(.arguments(["printf", "%s\\n", "ção"])))
    }

    @Test func everyScheduleKeepsItsOffsetAndZone() throws {
        let file = FixtureFiles.manifest(FixtureFiles.directory.appendingPathComponent("valid/every.json"))
        let schedule = try #require(file.pipeline?.schedule)
        #expect(schedule.schedule == .every(try ManifestDuration(parsing: "15m"), offset: try ManifestDuration(parsing: "5m")))
        #expect(schedule.concurrency == .allow)
        #expect(schedule.timeZone.identifier == "Europe/Berlin")
    }
}
