/// Which pipeline a manifest file of the applied commit defines.
///
/// The index is what makes a pass incremental: with it, a pass after a one-file commit
/// reads that one blob, and knows which pipeline the file held before, without reading the
/// other ten thousand.
public struct ManifestIndexEntry: Sendable, Hashable, Codable {
    /// Relative to the repository root.
    public var path: String
    public var blobID: String
    public var pipeline: String
    /// Whether the pipeline names others in `triggers` or `onFailure`. While any file does,
    /// passes read every manifest: loops between pipelines are a rule over all of them.
    public var linked: Bool

    public init(path: String, blobID: String, pipeline: String, linked: Bool = false) {
        self.path = path
        self.blobID = blobID
        self.pipeline = pipeline
        self.linked = linked
    }
}
