/// Everything one pass writes, applied by the store in one transaction.
///
/// A pass computes this without holding the database, then hands it over whole: the
/// revision, the new versions (each with its audit event), the manifest index changes and
/// the source's new state either all become visible together or, after a crash or a
/// conflict, none of them does.
public struct RevisionWrite: Sendable {
    /// The applied commit the pass planned against (nil when nothing was applied yet). The
    /// store refuses the write with `conflict` when the source says otherwise by then.
    public var expectedLastApplied: String?
    /// The judged commit, or nil when the pass only updates the source (a fetch failure, or a
    /// commit judged before).
    public var revision: RevisionRecord?
    /// The source's new state.
    public var source: SourceRecord
    /// New versions, in plan order. The store assigns their ids, numbers and revision, sets
    /// each pipeline's state and current version, and writes one audit event per version.
    public var versions: [PipelineVersion]
    /// Manifest index rows to insert or replace, and paths to remove.
    public var indexUpserts: [ManifestIndexEntry]
    public var indexDeletions: [String]
    /// Drop the whole index before the upserts (a full pass).
    public var replaceIndex: Bool

    public init(expectedLastApplied: String?, revision: RevisionRecord?, source: SourceRecord, versions: [PipelineVersion] = [], indexUpserts: [ManifestIndexEntry] = [], indexDeletions: [String] = [], replaceIndex: Bool = false) {
        self.expectedLastApplied = expectedLastApplied
        self.revision = revision
        self.source = source
        self.versions = versions
        self.indexUpserts = indexUpserts
        self.indexDeletions = indexDeletions
        self.replaceIndex = replaceIndex
    }
}
