import BatonManifest
import Testing

@Suite struct ManifestCatalogTests {
    func file(_ path: String, name: String, extra: String = "") -> ManifestFile {
        ManifestFile(path: path, bytes: """
            {
              "apiVersion": "baton/v1", "kind": "Pipeline",
              "name": "\(name)",\(extra)
              "tasks": [{ "id": "a", "run": "true" }]
            }
            """.bytes)
    }

    @Test func duplicateNamesRejectBothFilesAndNameEachOther() {
        let catalog = ManifestCatalog(files: [
            file("manifests/b.json", name: "sales"), file("manifests/a.json", name: "sales"), file("manifests/c.json", name: "other"),
        ])
        #expect(!catalog.isValid)
        #expect(catalog.pipelines.map(\.name) == ["other"])
        let duplicates = catalog.diagnostics.filter { $0.code == .duplicateName }
        #expect(duplicates.map(\.file) == ["manifests/a.json", "manifests/b.json"])
        #expect(duplicates[0].message.contains("manifests/b.json"))
        #expect(duplicates[1].message.contains("manifests/a.json"))
        #expect(duplicates.allSatisfy { $0.line == 3 && $0.column == 11 && $0.pointer == "/name" })
        #expect(catalog.summary == "3 files, 1 pipeline, 2 errors, 0 warnings")
    }

    @Test func aDuplicateIsCaughtEvenWhenOneFileHasOtherErrors() {
        let catalog = ManifestCatalog(files: [
            file("a.json", name: "sales"), file("b.json", name: "sales", extra: #" "bogus": true,"#),
        ])
        #expect(catalog.diagnostics.filter { $0.code == .duplicateName }.count == 2)
        #expect(catalog.errorCount == 3)
    }

    @Test func aValidCatalogCountsPipelines() {
        let catalog = ManifestCatalog(files: [file("a.json", name: "one"), file("b.json", name: "two")])
        #expect(catalog.isValid)
        #expect(catalog.summary == "2 files, 2 pipelines, 0 errors, 0 warnings")
    }

    @Test(arguments: [
        ("sales.json", true), ("team/sales.json", true), ("a/b/c.json", true),
        (".hidden.json", false), (".github/x.json", false), ("team/.draft/x.json", false),
        ("sales.yaml", false), ("sales.json.bak", false), ("README.md", false),
    ])
    func manifestPaths(_ path: String, _ isManifest: Bool) {
        #expect(ManifestPath.isManifest(path) == isManifest)
    }
}

@Suite struct TimeZoneNameTests {
    @Test(arguments: ["UTC", "Asia/Kolkata", "America/New_York", "Australia/Lord_Howe", "US/Eastern", "Etc/UTC", "America/Argentina/Buenos_Aires"])
    func exactTzDatabaseNamesAreAccepted(_ name: String) {
        #expect(TimeZones.isKnown(name))
    }

    @Test(arguments: ["", "utc", "america/new_york", "GMT+2", "+05:30", "Mars/Olympus", "New York"])
    func anythingElseIsRefused(_ name: String) {
        #expect(!TimeZones.isKnown(name))
    }

    @Test func suggestionsFixCaseAndSpaces() {
        #expect(TimeZones.suggestion(for: "america/new_york") == "America/New_York")
        #expect(TimeZones.suggestion(for: "America/New York") == "America/New_York")
    }
}
