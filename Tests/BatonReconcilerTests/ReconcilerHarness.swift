import BatonGit
import BatonReconciler
import BatonStore
import BatonTestSupport
import Foundation

/// A pipelines repository, Baton's state directory and a reconciler over both: each test
/// commits to `repo` as people would and runs passes.
struct ReconcilerHarness {
    typealias Person = FixtureRepository.Person

    let temp: TemporaryDirectory
    let repo: FixtureRepository
    let store: SQLiteStore
    let mirror: GitMirror
    var options: Reconciler.Options

    /// Plans are computed at a fixed instant so next fire times are stable.
    static let now = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    init(options: Reconciler.Options = Reconciler.Options(now: { ReconcilerHarness.now })) throws {
        temp = try TemporaryDirectory()
        repo = try FixtureRepository(at: temp.sub("pipelines"))
        store = try SQLiteStore(stateDirectory: temp.sub("state"))
        mirror = GitMirror(stateDirectory: temp.sub("state"))
        self.options = options
    }

    var reconciler: Reconciler {
        Reconciler(store: store, source: GitSource(url: repo.path, ref: .branch("main")), options: options)
    }

    /// One pass: fetch and apply.
    @discardableResult
    func pass() async throws -> ReconcileReport {
        try await reconciler.reconcile(mirror: mirror)
    }

    /// A manifest with the fields tests change.
    static func manifest(_ name: String, cron: String = "0 2 * * *", timezone: String = "UTC", run: String = "./etl.sh", description: String? = nil) -> String {
        let described = description.map { #", "description": "\#($0)""# } ?? ""
        return """
            {
              "apiVersion": "baton/v1",
              "kind": "Pipeline",
              "name": "\(name)"\(described),
              "schedule": { "cron": "\(cron)", "timezone": "\(timezone)" },
              "tasks": [{ "id": "main", "run": "\(run)" }]
            }

            """
    }

    func version(_ pipeline: String) async throws -> PipelineVersion? {
        try await store.versions(of: pipeline).first
    }

    func state(_ pipeline: String) async throws -> PipelineState? {
        try await store.pipelines(named: [pipeline]).first?.state
    }
}
