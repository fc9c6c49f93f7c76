import BatonEngine
import BatonGit
import BatonManifest
import BatonStore
import Foundation

/// What `run NAME` and `retry` share: a stored version, run in the read-only tree of the
/// commit it was applied from, exported from the source's mirror (shared by tree id).
enum VersionRunRequest {
    static func make(
        _ version: PipelineVersion, store: SQLiteStore, stateDirectory: String, parameters: (Pipeline) throws(CommandFailure) -> [String: String],
        trigger: String = "manual", resume: (run: RunRecord, attempts: [TaskAttemptRecord])? = nil
    ) async throws(CommandFailure) -> RunRequest {
        guard let pipeline = ManifestFile(path: version.filePath, bytes: Array(version.spec.utf8)).pipeline else {
            throw CommandFailure("the stored spec of \"\(version.pipeline)\" v\(version.number) no longer validates; reconcile again", code: "invalid-manifest")
        }
        let source: SourceRecord?
        do { source = try await store.source() } catch { throw CommandFailure(error) }
        guard let source, let commit = GitObjectID(hex: version.revisionCommit) else {
            throw CommandFailure("the store has no source to export \"\(version.pipeline)\"'s tree from", code: "no-source")
        }
        let tree: ExportedTree
        do {
            let repository = try GitRepository(path: GitMirror(stateDirectory: stateDirectory).mirrorPath(for: source.url))
            tree = try TreeStore(stateDirectory: stateDirectory).export(commit: commit, from: repository)
        } catch {
            throw CommandFailure("cannot export the tree of \(commit.short): \(error.description)", code: error.code.rawValue)
        }
        return RunRequest(
            pipeline: pipeline, versionID: version.id, commit: version.revisionCommit, treeRoot: tree.path,
            taskSpecs: TaskSpecs.canonical(fromSpec: version.spec), parameters: try parameters(pipeline), trigger: trigger, resume: resume)
    }
}
