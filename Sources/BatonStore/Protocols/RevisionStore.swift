import Foundation

/// What the reconciler reads and writes: the followed source and its progress, the judged
/// revisions with the manifest index of the applied commit, and the audit log. `apply(_:)`
/// is the one write, a single transaction.
public protocol RevisionStore: Sendable {
    /// The source and its progress; nil until the first pass.
    func source() async throws(StoreError) -> SourceRecord?

    /// A number that changes whenever anyone (this process or another: a CLI beside the
    /// daemon) commits a write to the store, so a reader may keep an answer for as long as it
    /// reads the same number. Equal numbers mean no commit in between; the values mean nothing
    /// else.
    func changeCount() async throws(StoreError) -> Int64

    /// Applies a pass's results atomically (see `RevisionWrite`) and returns the stored
    /// revision with its id, if the write carried one.
    @discardableResult
    func apply(_ write: RevisionWrite) async throws(StoreError) -> RevisionRecord?

    /// The whole manifest index of the applied commit, by path.
    func manifestIndex() async throws(StoreError) -> [ManifestIndexEntry]

    /// The index rows for these paths.
    func manifestIndex(paths: [String]) async throws(StoreError) -> [ManifestIndexEntry]

    /// The index rows of files defining these pipelines.
    func manifestIndex(pipelines: [String]) async throws(StoreError) -> [ManifestIndexEntry]

    /// Judged revisions, newest first.
    func revisions(limit: Int) async throws(StoreError) -> [RevisionRecord]

    /// The revisions with these ids, in any order; ids with no revision are left out. For
    /// what a version's revision says about its commit (its signer) without reading them all.
    func revisions(ids: [Int64]) async throws(StoreError) -> [RevisionRecord]

    /// Audit events matching `query`, newest first.
    func auditEvents(_ query: AuditQuery) async throws(StoreError) -> [AuditEvent]

    /// Whether any manifest of the applied commit links pipelines (`triggers` naming a
    /// pipeline, `onFailure`): while one does, a pass reads every manifest, since a loop
    /// between pipelines is a rule over all of them.
    func hasLinkedManifests() async throws(StoreError) -> Bool
}
