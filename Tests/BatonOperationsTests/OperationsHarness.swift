import BatonGit
import BatonOperations
import BatonReconciler
import BatonStore
import BatonTestSupport
import Foundation

/// A pipelines repository, a state directory with a real SQLite store reconciled from it,
/// and the operations over both, at a fixed instant.
struct OperationsHarness {
    let temp: TemporaryDirectory
    let repo: FixtureRepository
    let store: SQLiteStore
    let link: RecordingDaemonLink
    let state: String

    /// 2026-01-01T00:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_767_225_600)

    init(daemonRunning: Bool = true) throws {
        temp = try TemporaryDirectory()
        repo = try FixtureRepository(at: temp.sub("pipelines"))
        state = temp.sub("state")
        store = try SQLiteStore(stateDirectory: state)
        link = RecordingDaemonLink(running: daemonRunning ? 4242 : nil)
    }

    var operations: Operations {
        Operations(store: store, stateDirectory: state, daemon: link, now: { OperationsHarness.now })
    }

    /// Commits `manifests` (name → JSON) and reconciles the commit into the store.
    @discardableResult
    func commitAndReconcile(_ manifests: [String: String], message: String = "Change pipelines", author: FixtureRepository.Person = .ana, committer: FixtureRepository.Person? = nil) async throws -> ReconcileReport {
        for (name, text) in manifests { try repo.write("manifests/\(name).json", text) }
        try repo.commit(message, author: author, committer: committer)
        let reconciler = Reconciler(store: store, source: GitSource(url: repo.path, ref: .branch("main")), options: .init(now: { OperationsHarness.now }))
        return try await reconciler.reconcile(mirror: GitMirror(stateDirectory: state))
    }

    /// A pipeline manifest; `fields` is JSON text spliced in after the schedule.
    static func manifest(_ name: String, schedule: String? = #"{ "cron": "0 2 * * *", "timezone": "America/Sao_Paulo" }"#, fields: String = "",
                         tasks: String = #"[{ "id": "main", "run": "true" }]"#) -> String {
        """
        {
          "apiVersion": "baton/v1",
          "kind": "Pipeline",
          "name": "\(name)",\(schedule.map { "\n  \"schedule\": \($0)," } ?? "")\(fields.isEmpty ? "" : "\n  " + fields + ",")
          "tasks": \(tasks)
        }

        """
    }

    /// A run recorded directly, as the scheduler or an executor would have.
    @discardableResult
    func recordRun(_ pipeline: String, state: RunRecord.State, trigger: RunRecord.Trigger = .schedule, slot: Date? = nil, versionID: Int64? = nil) async throws -> RunRecord {
        let version = try await store.currentVersions(of: [pipeline]).first
        let run = RunRecord(
            pipeline: pipeline, versionID: versionID ?? version?.id, scheduledAt: slot, trigger: trigger, state: state,
            createdAt: Self.now, startedAt: state == .queued ? nil : Self.now,
            finishedAt: [.queued, .running].contains(state) ? nil : Self.now.addingTimeInterval(1))
        return try await store.createRun(run).run
    }
}
