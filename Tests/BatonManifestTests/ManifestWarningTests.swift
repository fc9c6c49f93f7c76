import BatonManifest
import Testing

/// Warnings: legal manifests that are almost surely wrong. The file stays valid.
@Suite struct ManifestWarningTests {
    func manifest(_ body: String) -> String {
        """
        {
          "apiVersion": "baton/v1",
          "kind": "Pipeline",
          "name": "w",
        \(body)
        }
        """
    }

    @Test(arguments: [
        (#""schedule": { "every": "1h" }, "timeout": "2h", "tasks": [{ "id": "a", "run": "true" }]"#, "timeout-exceeds-interval", "/timeout"),
        (#""schedule": { "cron": "@daily" }, "timeout": "25h", "tasks": [{ "id": "a", "run": "true" }]"#, "timeout-exceeds-interval", "/timeout"),
        (#""timeout": "1h", "tasks": [{ "id": "a", "run": "true", "timeout": "2h" }]"#, "timeout-exceeds-run", "/tasks/0/timeout"),
        (#""timeout": "1h", "defaults": { "timeout": "90m" }, "tasks": [{ "id": "a", "run": "true" }]"#, "timeout-exceeds-run", "/tasks/0/timeout"),
        (#""tasks": [{ "id": "a", "when": "failure", "run": "true" }]"#, "unreachable-task", "/tasks/0/when"),
        (#""defaults": { "retryDelay": "5m", "retryMaxDelay": "1m" }, "tasks": [{ "id": "a", "run": "true" }]"#, "retry-delay-capped", "/defaults/retryMaxDelay"),
        (#""tasks": [{ "id": "a", "run": "true", "retryDelay": "5m", "retryMaxDelay": "1m" }]"#, "retry-delay-capped", "/tasks/0/retryMaxDelay"),
    ])
    func warns(_ body: String, _ code: String, _ pointer: String) {
        let file = ManifestFile(path: "w.json", bytes: manifest(body).bytes)
        #expect(file.isValid, "warnings must not reject the file: \(file.diagnostics.map(\.formatted))")
        #expect(file.diagnostics.map(\.code.rawValue) == [code])
        #expect(file.diagnostics.first?.severity == .warning)
        #expect(file.diagnostics.first?.pointer == pointer)
    }

    @Test(arguments: [
        #""schedule": { "every": "1h", "concurrency": "allow" }, "timeout": "2h", "tasks": [{ "id": "a", "run": "true" }]"#,
        #""schedule": { "every": "1h" }, "timeout": "1h", "tasks": [{ "id": "a", "run": "true" }]"#,
        #""tasks": [{ "id": "a", "run": "true" }, { "id": "b", "needs": ["a"], "when": "failure", "run": "true" }]"#,
        #""defaults": { "retryDelay": "1m", "retryMaxDelay": "5m" }, "tasks": [{ "id": "a", "run": "true" }]"#,
    ])
    func doesNotWarnWhenTheSettingIsSound(_ body: String) {
        let file = ManifestFile(path: "w.json", bytes: manifest(body).bytes)
        #expect(file.diagnostics.map(\.formatted) == [])
    }

    @Test func warningsAreNotLookedForInAFileWithErrors() {
        let file = ManifestFile(path: "w.json", bytes: manifest(#""bogus": 1, "tasks": [{ "id": "a", "when": "failure", "run": "true" }]"#).bytes)
        #expect(file.diagnostics.map(\.code) == [.unknownField])
    }
}
