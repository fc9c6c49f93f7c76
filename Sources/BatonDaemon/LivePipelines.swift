import BatonStore

/// The store's pipelines and operator suspensions, read once for everything that follows
/// them (the scheduler, the triggers, the file watches): each reload after a pass would
/// otherwise decode every pipeline row again.
public struct LivePipelines: Sendable {
    /// Every pipeline, active and retired.
    public var records: [PipelineRecord]
    /// The pipelines an operator suspended (`baton suspend`).
    public var suspended: Set<String>

    public init(records: [PipelineRecord], suspended: Set<String>) {
        self.records = records
        self.suspended = suspended
    }

    /// Reads both from the store.
    public static func read(from store: any StateStore) async throws(StoreError) -> LivePipelines {
        LivePipelines(records: try await store.pipelines(), suspended: Set(try await store.overrides().map(\.pipeline)))
    }
}
