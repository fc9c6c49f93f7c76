import BatonManifest
import Foundation
import Testing

/// The JSON Schema editors use must agree with the validator on structure. Checked with a real
/// JSON Schema implementation (python3 `jsonschema`, draft 2020-12), not by reading the schema.
@Suite struct ManifestSchemaTests {
    static let schemaFile = FixtureFiles.repositoryRoot.appendingPathComponent("docs/manifest.schema.json")

    /// Codes of problems a schema can express; fixtures with only these must fail the schema.
    static let structuralCodes: Set<String> = [
        "required", "type", "unknown-field", "invalid-name", "invalid-duration", "value", "conflict",
        "invalid-url", "invalid-path", "invalid-schedule",
    ]
    /// Structural-looking rules that need two values at once, which the schema leaves to `validate`.
    static let semanticExceptions: Set<String> = [
        "value-parameter-default-not-allowed.json", "invalid-schedule-offset-too-large.json",
        // A trigger's parameters are checked against the pipeline's own declarations, and its
        // templates against the reference grammar: two values at once, or text the schema
        // leaves as a string.
        "value-trigger-undeclared-param.json", "value-trigger-template.json", "value-trigger-file-param-undeclared.json",
        "required-trigger-param.json",
    ]

    @Test func docsCopyIsTheTextTheBinaryPrints() throws {
        let text = try String(contentsOf: Self.schemaFile, encoding: .utf8)
        #expect(text == ManifestSchema.json + "\n", "regenerate with: python3 docs/generate_schema_swift.py")
    }

    @Test func schemaIsStrictJSON() throws {
        _ = try JSONReader().read(Array(ManifestSchema.json.utf8))
    }

    @Test func realValidatorAcceptsValidManifestsAndRejectsStructuralMistakes() throws {
        let valid = (FixtureFiles.validFixtures + FixtureFiles.shippedManifests).map(\.path)
        let invalid = InvalidFixtureTests.expectations
            .filter { name, rows in !Self.semanticExceptions.contains(name) && rows.allSatisfy { Self.structuralCodes.contains($0.code) } }
            .keys.sorted()
            .map { FixtureFiles.directory.appendingPathComponent("invalid/\($0)").path }
        #expect(invalid.count >= 60)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", FixtureFiles.repositoryRoot.appendingPathComponent("Tests/schema/check_schema.py").path,
                             Self.schemaFile.path, "--valid"] + valid + ["--invalid"] + invalid
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("\(valid.count + invalid.count) passed, 0 failed"), "\(text)")
    }
}
