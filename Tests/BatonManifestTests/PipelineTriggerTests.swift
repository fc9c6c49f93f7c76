import BatonManifest
import Testing

/// `triggers` and `onFailure` across manifests (loops, unknown pipelines, failure handlers'
/// parameters) and the parameter templates a trigger fills from the upstream run.
@Suite struct PipelineTriggerTests {
    func file(_ name: String, _ extra: String = "", parameters: String = "") -> ManifestFile {
        ManifestFile(path: "manifests/\(name).json", bytes: """
            {
              "apiVersion": "baton/v1", "kind": "Pipeline", "name": "\(name)",\(parameters.isEmpty ? "" : "\n  \"parameters\": \(parameters),")
              \(extra)
              "tasks": [{ "id": "a", "run": "true" }]
            }
            """.bytes)
    }

    @Test func bothKindsDecode() throws {
        let report = file("report", #""triggers": [{ "pipeline": "ingest", "on": ["succeeded", "failed"], "params": { "day": "${upstream.outputs.load.day}" } }, { "path": "/data/in/*.csv", "settle": "30s" }], "onFailure": { "pipeline": "oncall" },"#,
                          parameters: #"{ "day": {}, "file": {} }"#)
        let pipeline = try #require(report.pipeline, "\(report.diagnostics.map(\.formatted))")
        #expect(pipeline.upstreamTriggers == [UpstreamTrigger(pipeline: "ingest", on: [.succeeded, .failed], params: ["day": ParameterTemplate(parts: [.reference(.output(task: "load", key: "day"))])])])
        #expect(pipeline.fileTriggers == [FileTrigger(directory: "/data/in", pattern: "*.csv", settle: try ManifestDuration(parsing: "30s"), parameter: "file")])
        #expect(pipeline.onFailure == FailureHandler(pipeline: "oncall"))
        #expect(report.links.map(\.target) == ["ingest", "oncall"])
        #expect(report.links.map(\.pointer) == ["/triggers/0/pipeline", "/onFailure/pipeline"])
    }

    @Test func aLoopThroughTriggersAndOnFailureIsAnErrorOnEveryEdgeNamingTheLoop() {
        let catalog = ManifestCatalog(files: [
            file("ingest", #""triggers": [{ "pipeline": "report" }],"#),
            file("report", #""triggers": [{ "pipeline": "ingest" }],"#),
            file("solo", #""triggers": [{ "pipeline": "solo" }],"#),
            file("clean", #""triggers": [{ "pipeline": "ingest" }],"#),
        ])
        let loops = catalog.diagnostics.filter { $0.code == .triggerCycle }
        #expect(loops.map(\.file) == ["manifests/ingest.json", "manifests/report.json", "manifests/solo.json"])
        #expect(loops[0].message.contains("report → ingest → report"), "\(loops[0].message)")
        #expect(loops[2].message.contains("solo → solo"))
        #expect(loops.allSatisfy { $0.severity == .error && $0.pointer == "/triggers/0/pipeline" && $0.line == 3 })
        #expect(catalog.pipelines.map(\.name) == ["clean"], "the files in a loop are invalid; the rest stay valid")
        #expect(!catalog.isValid)
    }

    @Test func onFailureCountsAsAnEdgeOfTheLoop() {
        let catalog = ManifestCatalog(files: [
            // etl's failures start cleanup, and cleanup's runs start etl.
            file("etl", #""triggers": [{ "pipeline": "cleanup" }], "onFailure": { "pipeline": "cleanup" },"#),
            file("cleanup", parameters: #"{ "failedRun": {}, "failedPipeline": {}, "failedReason": {} }"#),
        ])
        let loops = catalog.diagnostics.filter { $0.code == .triggerCycle }
        #expect(loops.map(\.pointer) == ["/triggers/0/pipeline", "/onFailure/pipeline"])
        #expect(loops.contains { $0.message.contains("etl → cleanup → etl") }, "\(loops.map(\.message))")
    }

    @Test func aFailureHandlerMustDeclareTheParametersItIsGiven() {
        let catalog = ManifestCatalog(files: [
            file("etl", #""onFailure": { "pipeline": "oncall" },"#),
            file("oncall", parameters: #"{ "failedRun": {}, "team": { "required": true } }"#),
        ])
        let problems = catalog.diagnostics.filter { $0.file == "manifests/etl.json" }
        #expect(problems.count == 1)
        #expect(problems.first?.pointer == "/onFailure/pipeline")
        #expect(problems.first?.message.contains(#"declare "failedPipeline", "failedReason""#) == true, "\(problems.first?.message ?? "")")
        #expect(problems.first?.message.contains(#"give a default to its required "team""#) == true)
        #expect(!catalog.isValid)
    }

    @Test func anUnknownPipelineIsAWarningOnly() {
        let catalog = ManifestCatalog(files: [file("report", #""triggers": [{ "pipeline": "ingset" }],"#)])
        #expect(catalog.isValid)
        #expect(catalog.diagnostics.map(\.code) == [.unknownPipeline])
        #expect(catalog.diagnostics.first?.severity == .warning)
    }

    // MARK: Templates

    @Test func templatesParseAndPrintBack() throws {
        let template = try ParameterTemplate(parsing: "day=${upstream.outputs.day} run ${upstream.run} $${not} ${upstream.params.region}")
        #expect(template.parts == [
            .text("day="), .reference(.output(task: nil, key: "day")), .text(" run "), .reference(.run), .text(" ${not} "), .reference(.parameter("region")),
        ])
        #expect(template.description == "day=${upstream.outputs.day} run ${upstream.run} $${not} ${upstream.params.region}")
    }

    @Test(arguments: ["${upstream.outputs}", "${upstream.run", "${downstream.run}", "${upstream.outputs.a.b.c}", "${upstream..run}", "${}"])
    func malformedTemplatesAreRefused(_ text: String) {
        #expect(throws: ParameterTemplate.SyntaxError.self) { try ParameterTemplate(parsing: text) }
    }

    @Test func resolvingTakesTheLastTaskThatWroteAnUnqualifiedKeyAndNamesWhatIsMissing() throws {
        let upstream = ParameterTemplate.Upstream(
            runID: 42, pipeline: "ingest", state: "succeeded", scheduledTime: "2026-01-01T02:00:00Z", parameters: ["region": "eu"],
            outputs: ["extract": ["day": "2026-01-01", "rows": "10"], "load": ["day": "2026-01-02"]], taskOrder: ["extract", "load"])
        #expect(try ParameterTemplate(parsing: "${upstream.outputs.day}").resolve(upstream) == "2026-01-02")
        #expect(try ParameterTemplate(parsing: "${upstream.outputs.extract.day}").resolve(upstream) == "2026-01-01")
        #expect(try ParameterTemplate(parsing: "${upstream.pipeline}#${upstream.run} ${upstream.state} ${upstream.params.region} ${upstream.scheduledTime}").resolve(upstream)
                == "ingest#42 succeeded eu 2026-01-01T02:00:00Z")
        // Values are text: nothing in them is read as a reference or run by a shell.
        var hostile = upstream
        hostile.outputs["load"]?["day"] = "$(rm -rf /) ${upstream.run}"
        #expect(try ParameterTemplate(parsing: "${upstream.outputs.day}").resolve(hostile) == "$(rm -rf /) ${upstream.run}")

        let missing = #expect(throws: ParameterTemplate.Unresolved.self) { try ParameterTemplate(parsing: "${upstream.outputs.total}").resolve(upstream) }
        #expect(missing?.message.contains("no task of run 42 (ingest) wrote an output \"total\"") == true)
        #expect(throws: ParameterTemplate.Unresolved.self) { try ParameterTemplate(parsing: "${upstream.params.day}").resolve(upstream) }
    }

    @Test(arguments: [
        ("/data/in/*.csv", "/data/in", "*.csv"), ("/x", "/", "x"), ("/a/b/[0-9]?.txt", "/a/b", "[0-9]?.txt"),
    ])
    func filePathsSplitIntoFolderAndPattern(_ path: String, _ folder: String, _ pattern: String) throws {
        let pipeline = try #require(file("f", #""triggers": [{ "path": "\#(path)" }],"#, parameters: #"{ "file": {} }"#).pipeline)
        #expect(pipeline.fileTriggers.first?.directory == folder)
        #expect(pipeline.fileTriggers.first?.pattern == pattern)
        #expect(pipeline.fileTriggers.first?.path == path)
    }

    @Test(arguments: ["/data/*/x.csv", "relative/*.csv", "/data/in/", "/data/../etc/*", "/", "//data//in/*.csv"])
    func badFilePathsAreRefused(_ path: String) {
        let decoded = file("f", #""triggers": [{ "path": "\#(path)" }],"#, parameters: #"{ "file": {} }"#)
        #expect(decoded.diagnostics.map(\.code) == [.invalidPath], "\(decoded.diagnostics.map(\.formatted))")
    }
}
