import Foundation
import Testing

@Suite struct ValidateCommandTests {
    @Test func repositoryManifestsAreValid() throws {
        let result = try BatonBinary.run(["validate"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasSuffix(" pipelines, 0 errors, 0 warnings\n"))
        #expect(result.stderr.isEmpty)
    }

    @Test func anErrorPrintsACompilerStyleLineAndExitsOne() throws {
        let directory = try TemporaryDirectory()
        try directory.write("sales.json", """
            {
              "apiVersion": "baton/v1",
              "kind": "Pipeline",
              "name": "sales",
              "tasks": [
                { "id": "load", "run": "true", "retires": 3 }
              ]
            }
            """)
        let result = try BatonBinary.run(["validate", "sales.json"], in: directory.url)
        #expect(result.status == 1)
        #expect(result.stdout == """
            sales.json:6:36: error: unknown field "retires" in task "load"; did you mean "retries"? [unknown-field] (at /tasks/0/retires)
            1 file, 0 pipelines, 1 error, 0 warnings

            """)
    }

    @Test func jsonOutputHasTheDocumentedShapeAndNothingElse() throws {
        let directory = try TemporaryDirectory()
        try directory.write("m/good.json", manifest(named: "good"))
        try directory.write("m/bad.json", manifest(named: "bad", extra: #" "timeout": "1hour","#))
        let result = try BatonBinary.run(["validate", "--json", "m"], in: directory.url)
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["valid", "files", "pipelines", "diagnostics"])
        #expect(object["valid"] as? Bool == false)
        #expect(object["files"] as? Int == 2)
        #expect(object["pipelines"] as? Int == 1)
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1)
        let diagnostic = diagnostics[0]
        #expect(Set(diagnostic.keys) == ["file", "line", "column", "pointer", "severity", "code", "message"])
        #expect(diagnostic["file"] as? String == "m/bad.json")
        #expect(diagnostic["line"] as? Int == 4)
        #expect(diagnostic["column"] as? Int == 29)
        #expect(diagnostic["pointer"] as? String == "/timeout")
        #expect(diagnostic["severity"] as? String == "error")
        #expect(diagnostic["code"] as? String == "invalid-duration")
    }

    @Test func validJSONOutputExitsZero() throws {
        let directory = try TemporaryDirectory()
        try directory.write("a.json", manifest(named: "a"))
        let result = try BatonBinary.run(["validate", "--json", "a.json"], in: directory.url)
        #expect(result.status == 0)
        #expect(result.stdout == #"{"diagnostics":[],"files":1,"pipelines":1,"valid":true}"# + "\n")
    }

    @Test func directoriesAreSearchedRecursivelySkippingHiddenNames() throws {
        let directory = try TemporaryDirectory()
        try directory.write("manifests/a.json", manifest(named: "a"))
        try directory.write("manifests/team/deep/b.json", manifest(named: "b"))
        try directory.write("manifests/.drafts/broken.json", "{ not json")
        try directory.write("manifests/.swap.json", "{ not json")
        try directory.write("manifests/notes.txt", "not a manifest")
        let result = try BatonBinary.run(["validate"], in: directory.url)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout == "2 files, 2 pipelines, 0 errors, 0 warnings\n")
    }

    @Test func duplicateNamesInTwoFilesNameBothFiles() throws {
        let directory = try TemporaryDirectory()
        try directory.write("manifests/one.json", manifest(named: "sales"))
        try directory.write("manifests/two/one.json", manifest(named: "sales"))
        let result = try BatonBinary.run(["validate"], in: directory.url)
        #expect(result.status == 1)
        #expect(result.stdout.contains(#"manifests/one.json:4:11: error: pipeline name "sales" is also used by manifests/two/one.json"#))
        #expect(result.stdout.contains(#"manifests/two/one.json:4:11: error: pipeline name "sales" is also used by manifests/one.json"#))
    }

    @Test func anEmptyDirectoryIsAWarningNotAnError() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(at: directory.url.appendingPathComponent("manifests"), withIntermediateDirectories: true)
        let result = try BatonBinary.run(["validate"], in: directory.url)
        #expect(result.status == 0)
        #expect(result.stdout == """
            manifests:1:1: warning: no *.json manifests found in this directory [no-manifests]
            0 files, 0 pipelines, 0 errors, 1 warning

            """)
    }

    @Test func aMissingPathIsAUsageError() throws {
        let result = try BatonBinary.run(["validate", "does-not-exist"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("no such file or directory: does-not-exist"))
    }

    @Test func anUnknownFlagIsAUsageError() throws {
        let result = try BatonBinary.run(["validate", "--strict"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("Unknown option '--strict'"))
    }

    @Test func helpTeachesTheFormatAndExitCodes() throws {
        let result = try BatonBinary.run(["validate", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("[unknown-field]"))
        #expect(result.stdout.contains("Exit status: 0 when valid"))
    }

    @Test func schemaPrintsTheDocumentedSchema() throws {
        let result = try BatonBinary.run(["schema"])
        #expect(result.status == 0)
        let file = try String(contentsOf: BatonBinary.repositoryRoot.appendingPathComponent("docs/manifest.schema.json"), encoding: .utf8)
        #expect(result.stdout == file)
    }
}
