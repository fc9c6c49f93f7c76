import BatonManifest
import BatonStore
import Foundation

extension Operations {
    /// One pipeline, active or retired: its overview, declared parameters, task graph, every
    /// version (who wrote, committed and merged it) and its audit events.
    public func pipeline(_ name: String, recentRuns: Int = 25, auditLimit: Int = 100) async throws(OperationError) -> PipelineDetail {
        let recent = try Self.checked(recentRuns, "recentRuns", in: 0...100)
        let limit = try Self.checked(auditLimit, "auditLimit", in: 1...10_000)
        guard let overview = try await overviews(named: [name], at: now(), fireTimes: 5, recentRuns: recent).first else {
            throw try await unknownPipeline(name)
        }
        let versions = try await stored { () async throws(StoreError) in try await store.versions(of: name) }
        let events = try await stored { () async throws(StoreError) in try await store.auditEvents(AuditQuery(pipeline: name, limit: limit)) }
        let signers = try await signers(of: versions)
        let current = versions.first { $0.id == overview.versionID }
        let model = current.flatMap(models.model(of:))
        return PipelineDetail(
            pipeline: overview, owners: model?.owners ?? [],
            parameters: (model?.parameters ?? []).map {
                ParameterInfo(name: $0.name, defaultValue: $0.defaultValue, allowed: $0.allowed, required: $0.required, description: $0.description)
            },
            tasks: model.map(Self.nodes) ?? [],
            versions: versions.map { VersionInfo($0, signer: $0.revisionID.flatMap { signers[$0] }) }, audit: events.map(AuditEntry.init))
    }

    /// A pipeline's versions, newest first (`history`), for any pipeline ever applied.
    public func history(_ name: String) async throws(OperationError) -> PipelineHistory {
        guard let record = try await stored({ () async throws(StoreError) in try await store.pipelines(named: [name]).first }) else {
            throw try await unknownPipeline(name)
        }
        let versions = try await stored { () async throws(StoreError) in try await store.versions(of: name) }
        let signers = try await signers(of: versions)
        return PipelineHistory(pipeline: record.name, state: record.state, currentVersion: record.version,
                               versions: versions.map { VersionInfo($0, signer: $0.revisionID.flatMap { signers[$0] }) })
    }

    /// The signer of each version's applied commit, by revision id.
    func signers(of versions: [PipelineVersion]) async throws(OperationError) -> [Int64: CommitSigner] {
        let ids = Array(Set(versions.compactMap(\.revisionID)))
        let revisions = try await stored { () async throws(StoreError) in try await store.revisions(ids: ids) }
        var signers: [Int64: CommitSigner] = [:]
        for revision in revisions {
            if let id = revision.id, let signer = revision.signer { signers[id] = signer }
        }
        return signers
    }

    /// The audit log, newest first.
    public func audit(_ request: AuditRequest) async throws(OperationError) -> AuditLog {
        if let limit = request.limit { _ = try Self.checked(limit, "limit", in: 1...Int.max) }
        let query = AuditQuery(since: request.since, pipeline: request.pipeline, authorEmail: request.author, limit: request.limit)
        let events = try await stored { () async throws(StoreError) in try await store.auditEvents(query) }
        return AuditLog(events: events.map(AuditEntry.init))
    }

    /// `unknown-pipeline` for a name never applied, naming the close ones.
    func unknownPipeline(_ name: String) async throws(OperationError) -> OperationError {
        let names = try await stored { () async throws(StoreError) in try await store.pipelines().map(\.name) }
        let close = Nearby.names(to: name, among: names)
        var message = "no pipeline named \"\(name)\" has ever been applied"
        if !close.isEmpty {
            message += "; did you mean \(close.map { "\"\($0)\"" }.joined(separator: ", "))?"
        } else if names.isEmpty {
            message += "; nothing has been applied yet"
        } else {
            message += "; `baton status` lists the pipelines"
        }
        return OperationError(.unknownPipeline, message)
    }

    /// The graph of a pipeline's tasks, in manifest order.
    static func nodes(_ pipeline: Pipeline) -> [TaskNode] {
        pipeline.tasks.map { task in
            let kind: String
            switch task.action {
            case .http: kind = "http"
            default: kind = "run"
            }
            return TaskNode(id: task.id, needs: task.needs, when: task.when.rawValue, kind: kind, description: task.description)
        }
    }
}
