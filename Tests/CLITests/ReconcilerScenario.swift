import BatonTestSupport
import Foundation
import Testing

/// A repository of pipelines, made with the git CLI, and a state directory beside it, for
/// the reconciler commands. Each test makes its own, so tests run in parallel.
struct ReconcilerScenario {
    let directory: TemporaryDirectory
    let repo: FixtureRepository
    let state: String

    init() throws {
        directory = try TemporaryDirectory()
        repo = try FixtureRepository(at: directory.url.appendingPathComponent("pipelines").path)
        state = directory.url.appendingPathComponent("state").path
    }

    /// A scenario whose first commit holds these manifests (`manifests/NAME.json`).
    init(committing manifests: [String: String]) throws {
        try self.init()
        for (name, text) in manifests { try repo.write("manifests/\(name).json", text) }
        try repo.commit("Add pipelines")
    }

    /// Runs a command that reads the source, pointed at this repository and state.
    @discardableResult
    func withSource(_ arguments: String...) throws -> BatonBinary.Result {
        try BatonBinary.run(arguments + ["--repo", repo.path, "--state", state])
    }

    /// Runs a command that only reads the store.
    @discardableResult
    func withState(_ arguments: String...) throws -> BatonBinary.Result {
        try BatonBinary.run(arguments + ["--state", state])
    }

    /// Ana adds `sales` (02:00 in Tokyo) and `ops`; returns the commit.
    @discardableResult
    func addPipelines() throws -> String {
        try repo.write("manifests/sales.json", pipeline("sales", cron: "0 2 * * *"))
        try repo.write("manifests/ops.json", pipeline("ops", cron: "*/15 * * * *"))
        try repo.write("README.md", "pipelines\n")
        return try repo.commit("Add sales and ops", author: .ana)
    }

    /// Bo moves `sales` to 03:00; returns the commit.
    @discardableResult
    func moveSalesToThree() throws -> String {
        try repo.write("manifests/sales.json", pipeline("sales", cron: "0 3 * * *"))
        return try repo.commit("Run sales at 03:00", author: .bo)
    }

    /// Bo breaks the cron of `sales` (hour 25); returns the commit.
    @discardableResult
    func breakSales() throws -> String {
        try repo.write("manifests/sales.json", pipeline("sales", cron: "0 25 * * *"))
        return try repo.commit("Typo in the sales schedule", author: .bo)
    }

    /// A manifest whose cron is on line 5, in Asia/Tokyo (no daylight saving, so offsets in
    /// output are always +09:00).
    func pipeline(_ name: String, cron: String, suspend: Bool = false) -> String {
        """
        {
          "apiVersion": "baton/v1",
          "kind": "Pipeline",
          "name": "\(name)",
          "schedule": { "cron": "\(cron)", "timezone": "Asia/Tokyo" },
          "suspend": \(suspend),
          "tasks": [{ "id": "a", "run": "true" }]
        }

        """
    }

    func jsonObject(_ result: BatonBinary.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)\(result.stderr)")
    }
}
