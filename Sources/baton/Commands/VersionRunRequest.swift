import BatonDaemon
import BatonEngine
import BatonManifest
import BatonStore
import Foundation

/// What `run NAME` and `retry` share: a stored version, run in the read-only tree of the
/// commit it was applied from, prepared the way the daemon prepares its runs.
enum VersionRunRequest {
    static func make(
        _ version: PipelineVersion, store: SQLiteStore, stateDirectory: String, parameters: (Pipeline) throws(CommandFailure) -> [String: String],
        trigger: RunRecord.Trigger = .manual, resume: (run: RunRecord, attempts: [TaskAttemptRecord])? = nil
    ) async throws(CommandFailure) -> RunRequest {
        guard let versionID = version.id else { throw CommandFailure("the version of \"\(version.pipeline)\" has no id", code: "invalid-run") }
        let pipeline: Pipeline
        let tree: String
        do {
            (pipeline, tree) = try await VersionRequests(store: store, stateDirectory: stateDirectory).runnable(versionID: versionID)
        } catch {
            throw CommandFailure(error.message, code: error.code.rawValue)
        }
        return RunRequest(
            pipeline: pipeline, versionID: versionID, commit: version.revisionCommit, treeRoot: tree,
            taskSpecs: TaskSpecs.canonical(fromSpec: version.spec), parameters: try parameters(pipeline), trigger: trigger, resume: resume)
    }
}
