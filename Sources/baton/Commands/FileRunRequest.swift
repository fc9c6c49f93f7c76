import BatonEngine
import BatonGit
import BatonManifest
import BatonReconciler
import BatonStore
import Foundation

/// What `run FILE` and `retry` of a file run share: a manifest file, run in the Git work tree
/// that holds it (or its folder outside Git), from the file as it is on disk now.
enum FileRunRequest {
    /// The request for `path`, its parameters resolved by `parameters` against the file's
    /// pipeline. The path is recorded absolute, so a retry from another directory finds it.
    static func make(
        _ path: String, parameters: (Pipeline) throws(CommandFailure) -> [String: String],
        resume: (run: RunRecord, attempts: [TaskAttemptRecord])? = nil
    ) throws(CommandFailure) -> RunRequest {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("cannot read \(path); pass a manifest file or the name of a live pipeline", exitCode: 2, code: "unreadable")
        }
        let file = ManifestFile(path: path, bytes: Array(bytes))
        guard let model = file.pipeline else {
            let errors = file.diagnostics.filter { $0.severity == .error }.map(\.formatted).joined(separator: "\n")
            throw CommandFailure("\(path) is not a valid manifest:\n\(errors)", exitCode: 1, code: "invalid-manifest")
        }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL
        let directory = absolute.deletingLastPathComponent().path
        var treeRoot = directory
        var commit = ""
        // Outside a Git work tree the file's folder is the tree: not finding one is expected.
        if let discovered = try? GitRepository.discover(from: directory), !discovered.isBare {
            treeRoot = discovered.root
            commit = discovered.head?.hex ?? ""
        }
        let spec = CanonicalSpec.of(Array(bytes))?.spec ?? ""
        var request = RunRequest(
            pipeline: model, versionID: nil, commit: commit, treeRoot: treeRoot, taskSpecs: TaskSpecs.canonical(fromSpec: spec),
            parameters: try parameters(model), trigger: resume == nil ? .manual : .retry, resume: resume)
        request.manifestPath = absolute.path
        return request
    }

    /// The retry of a failed file run: the file as it is now, resuming at the failed task.
    ///
    /// The tasks that succeeded keep their results only if the file did not change them (same
    /// spec hash as when they ran); otherwise their outputs would be stale for the tasks that
    /// now read them, so the retry is refused, naming them, and the person runs the file again.
    static func retry(_ run: RunRecord, attempts: [TaskAttemptRecord]) throws(CommandFailure) -> RunRequest {
        let runID = run.id ?? 0
        guard let path = run.manifestPath, !run.taskSpecHashes.isEmpty else {
            throw CommandFailure("run \(runID) ran a manifest file before Baton recorded which; run the file again with `baton run FILE`", code: "not-retryable")
        }
        let request = try make(path, parameters: { model throws(CommandFailure) in
            try parameters(of: run, fitting: model, path: path)
        }, resume: (run, attempts))
        let now = TaskSpecs.hashes(request.taskSpecs)
        var lastState: [String: TaskState] = [:]
        for attempt in attempts.sorted(by: { $0.attempt < $1.attempt }) { lastState[attempt.taskID] = attempt.state }
        let kept = lastState.filter { $0.value == TaskState.succeeded || $0.value == TaskState.cached }.keys
        let changed = kept.filter { now[$0] == nil || now[$0] != run.taskSpecHashes[$0] }.sorted()
        guard changed.isEmpty else {
            let names = changed.map { "\"\($0)\"" }.joined(separator: ", ")
            throw CommandFailure(
                "\(path) changed task\(changed.count == 1 ? "" : "s") \(names) since run \(runID), where \(changed.count == 1 ? "it" : "they") succeeded; their results cannot be kept, so run the file again with `baton run \(path)`",
                code: "tasks-changed")
        }
        return request
    }

    /// The failed run's parameters, resolved again against the file as it is now.
    private static func parameters(of run: RunRecord, fitting model: Pipeline, path: String) throws(CommandFailure) -> [String: String] {
        do {
            return try RunParameters.resolve(model.parameters, given: run.parameters)
        } catch {
            throw CommandFailure("the parameters of run \(run.id ?? 0) no longer fit \(path): \(error.message)", exitCode: 2, code: error.code.rawValue)
        }
    }
}
