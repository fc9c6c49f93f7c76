extension EngineError.Code {
    /// A task's cache key could not be computed: an `inputs` pattern that leaves the tree, or
    /// an input file that cannot be read. The task fails instead of running uncached, because
    /// a key computed from fewer inputs than the manifest names could serve a stale result.
    public static let cache = EngineError.Code(rawValue: "cache")
}
