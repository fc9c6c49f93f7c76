import BatonManifest
import BatonStore
import Foundation

/// Every operation a person or a program asks of Baton: status, pipelines, runs, logs,
/// trigger, cancel, retry, suspend, resume and reconcile now.
///
/// This is the layer the faces of Baton share. The CLI (`baton status`, `baton trigger`…)
/// parses arguments, calls one operation and formats its result; the HTTP server decodes a
/// request, calls the same operation and encodes the result as JSON (`OperationJSON`).
/// Neither holds domain logic of its own, so both answer alike and the rules are tested
/// here once, in-process. Requests and results are plain `Sendable` values; every failure
/// is an `OperationError` with a stable code, its CLI exit status and its HTTP status.
///
/// Made from the store, the state directory, a way to reach the daemon (`DaemonLink`: by
/// signals from the CLI, in-process from the server) and a clock, so tests fix the time.
public struct Operations: Sendable {
    public let store: any StateStore
    public let stateDirectory: String
    public let daemon: any DaemonLink
    public let now: @Sendable () -> Date
    /// Decoded stored versions, shared by every copy of these operations (the server makes
    /// one `Operations` and answers every request with it).
    public let models: PipelineModels
    /// The pipelines list's store reads, kept while the store does not change; shared like
    /// `models`.
    public let snapshots: OverviewSnapshots

    public init(store: any StateStore, stateDirectory: String, daemon: any DaemonLink, now: @escaping @Sendable () -> Date = { Date() },
                models: PipelineModels = PipelineModels(), snapshots: OverviewSnapshots = OverviewSnapshots()) {
        self.store = store
        self.stateDirectory = stateDirectory
        self.daemon = daemon
        self.now = now
        self.models = models
        self.snapshots = snapshots
    }

    // MARK: Shared steps

    /// Runs a store call, turning its failure into `store-failed`.
    func stored<T>(_ body: () async throws(StoreError) -> T) async throws(OperationError) -> T {
        do { return try await body() } catch { throw OperationError(store: error) }
    }

    /// A run by id, or `unknown-run`.
    func existingRun(_ id: Int64) async throws(OperationError) -> RunRecord {
        guard let run = try await stored({ () async throws(StoreError) in try await store.run(id: id) }) else {
            throw OperationError(.unknownRun, "no run \(id); `baton runs` lists them")
        }
        return run
    }

    /// The current version of a live (active) pipeline, or `unknown-pipeline`: what the
    /// operations that start or pause a pipeline act on.
    func liveVersion(_ name: String) async throws(OperationError) -> PipelineVersion {
        let record = try await stored { () async throws(StoreError) in try await store.pipelines(named: [name]).first }
        guard let record, record.state == .active,
              let version = try await stored({ () async throws(StoreError) in try await store.currentVersions(of: [name]).first })
        else {
            throw OperationError(.unknownPipeline, "no live pipeline named \"\(name)\"; `baton status` lists them")
        }
        return version
    }

    /// The pipeline a stored version defines, or `invalid-manifest` when its spec no longer
    /// validates (rules changed since it was applied).
    func model(of version: PipelineVersion) throws(OperationError) -> Pipeline {
        guard let model = models.model(of: version) else {
            throw OperationError(.invalidManifest, "the stored spec of \"\(version.pipeline)\" no longer validates; reconcile again")
        }
        return model
    }

    /// A bounded count asked for by a client.
    static func checked(_ value: Int, _ name: String, in range: ClosedRange<Int>) throws(OperationError) -> Int {
        guard range.contains(value) else {
            throw OperationError(.badRequest, "\(name) must be between \(range.lowerBound) and \(range.upperBound), not \(value)")
        }
        return value
    }
}
