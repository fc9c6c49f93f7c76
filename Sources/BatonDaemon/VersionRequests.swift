import BatonEngine
import BatonGit
import BatonManifest
import BatonStore
import Foundation
import Logging

/// Turns a stored pipeline version into what the executor needs to run it: the parsed
/// pipeline and its task specs, and the read-only tree of the version's commit, exported
/// once from the source's mirror and shared by every run of that commit (decision 4).
///
/// An actor with two small caches, so a thousand pipelines firing together from the same
/// commit parse their specs once each and export one tree.
public actor VersionRequests {
    private struct Parsed {
        var version: PipelineVersion
        var pipeline: Pipeline
        var taskSpecs: [String: String]
    }

    let store: any StateStore
    let stateDirectory: String
    let logger: Logger
    private var parsed: [Int64: Parsed] = [:]
    private var trees: [String: String] = [:]
    /// Parsed versions kept; older ones are parsed again when needed.
    private let parsedLimit = 4_096

    public init(store: any StateStore, stateDirectory: String, logger: Logger = Logger(label: "baton")) {
        self.store = store
        self.stateDirectory = stateDirectory
        self.logger = logger
    }

    /// The version, parsed.
    public func pipeline(versionID: Int64) async throws(DaemonError) -> (PipelineVersion, Pipeline) {
        let entry = try await parsedVersion(versionID)
        return (entry.version, entry.pipeline)
    }

    /// What a run of a stored version needs that its record does not hold: the parsed
    /// pipeline and the exported tree of its commit (for `baton retry` and the CLI's
    /// foreground runs, which build their `RunRequest` themselves).
    public func runnable(versionID: Int64) async throws(DaemonError) -> (pipeline: Pipeline, treeRoot: String) {
        let entry = try await parsedVersion(versionID)
        return (entry.pipeline, try await treeRoot(commit: entry.version.revisionCommit))
    }

    /// A request to run version `versionID` with `parameters` (resolved against the
    /// pipeline's declarations: defaults filled in, unknown names and values outside
    /// `allowed` refused).
    public func request(versionID: Int64, parameters: [String: String], scheduledAt: Date?, trigger: RunRecord.Trigger, continuing: [TaskAttemptRecord] = []) async throws(DaemonError) -> RunRequest {
        let entry = try await parsedVersion(versionID)
        let tree = try await treeRoot(commit: entry.version.revisionCommit)
        let resolved: [String: String]
        do {
            resolved = try RunParameters.resolve(entry.pipeline.parameters, given: parameters)
        } catch {
            throw DaemonError(.invalidRun, "parameters of \(entry.version.pipeline): \(error.message)")
        }
        var request = RunRequest(
            pipeline: entry.pipeline, versionID: versionID, commit: entry.version.revisionCommit, treeRoot: tree,
            taskSpecs: entry.taskSpecs, parameters: resolved, scheduledAt: scheduledAt, trigger: trigger)
        request.continuing = continuing
        return request
    }

    /// Exports the tree of a commit ahead of its first run, so the first slot after a
    /// reconcile does not wait for it.
    public func prepareTree(commit: String) async {
        do {
            _ = try await treeRoot(commit: commit)
        } catch {
            // Only an early start: the first run exports the tree again, and fails with this
            // error if it still holds.
            logger.warning("cannot export the tree ahead of its first run", metadata: ["commit": "\(commit.prefix(12))", "error": "\(error.message)"])
        }
    }

    private func parsedVersion(_ id: Int64) async throws(DaemonError) -> Parsed {
        if let hit = parsed[id] { return hit }
        let stored: PipelineVersion?
        do { stored = try await store.version(id: id) } catch { throw DaemonError(.io, "cannot read version \(id): \(error.message)") }
        guard let version = stored else { throw DaemonError(.invalidRun, "version \(id) is not in the store") }
        guard let pipeline = ManifestFile(path: version.filePath, bytes: Array(version.spec.utf8)).pipeline else {
            throw DaemonError(.invalidManifest, "the stored spec of \"\(version.pipeline)\" v\(version.number) no longer validates; reconcile again")
        }
        let entry = Parsed(version: version, pipeline: pipeline, taskSpecs: TaskSpecs.canonical(fromSpec: version.spec))
        if parsed.count >= parsedLimit { parsed.removeAll(keepingCapacity: true) }
        parsed[id] = entry
        return entry
    }

    /// The read-only exported tree of a commit, from the source's mirror, exported once.
    public func treeRoot(commit hex: String) async throws(DaemonError) -> String {
        if let path = trees[hex], FileManager.default.fileExists(atPath: path) { return path }
        let source: SourceRecord?
        do { source = try await store.source() } catch { throw DaemonError(.io, "cannot read the source: \(error.message)") }
        guard let source, let commit = GitObjectID(hex: hex) else {
            throw DaemonError(.init(rawValue: "no-source"), "the store has no source to export commit \(hex.prefix(12)) from")
        }
        do {
            let mirror = GitMirror(stateDirectory: stateDirectory).mirrorPath(for: source.url)
            let tree = try await TreeStore(stateDirectory: stateDirectory).backgroundExport(commit: commit, mirrorPath: mirror)
            trees[hex] = tree.path
            return tree.path
        } catch {
            throw DaemonError(.init(rawValue: error.code.rawValue), "cannot export the tree of \(commit.short): \(error.description)")
        }
    }
}
