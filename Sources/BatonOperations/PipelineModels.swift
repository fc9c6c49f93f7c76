import BatonManifest
import BatonStore
import Synchronization

/// The pipelines stored versions define, decoded once per version.
///
/// The pipelines list, the status report and each dashboard page need the model of every
/// live version (its schedule in words, next fire times, description); decoding 1,000 specs
/// for every request made the list cost tens of milliseconds. A stored version never changes
/// (a new commit makes a new version with a new id), so its model can be kept for as long as
/// the process lives. Bounded: past `limit` versions the cache starts again empty, which costs
/// one round of decoding and never a stale answer.
public final class PipelineModels: Sendable {
    private let cache = Mutex<[Int64: Pipeline?]>([:])
    private let limit: Int

    public init(limit: Int = 20_000) {
        self.limit = limit
    }

    /// The pipeline `version` defines, or nil when its spec no longer validates.
    public func model(of version: PipelineVersion) -> Pipeline? {
        guard let id = version.id else { return Self.decode(version) }
        if let cached = cache.withLock({ $0[id] }) { return cached }
        let model = Self.decode(version)
        cache.withLock { cache in
            if cache.count >= limit { cache.removeAll(keepingCapacity: true) }
            cache[id] = model
        }
        return model
    }

    private static func decode(_ version: PipelineVersion) -> Pipeline? {
        ManifestFile(path: version.filePath, bytes: Array(version.spec.utf8)).pipeline
    }
}
