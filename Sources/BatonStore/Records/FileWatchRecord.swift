import Foundation

/// A file trigger the daemon has started watching: one per (pipeline, trigger path), written
/// with the trigger's baseline (the files already there, which never start runs).
///
/// Its existence is what "the baseline was taken" means: a restart finds it and only runs
/// what arrived since, while a pipeline that is new, or whose trigger now names another
/// path, has none yet and gets one before any of its files can run.
public struct FileWatchRecord: Sendable, Hashable, Codable {
    public var pipeline: String
    /// The trigger's `path` as the manifest wrote it, folder and pattern (`/data/in/*.csv`).
    public var path: String
    /// When the baseline was taken.
    public var baselineAt: Date

    public init(pipeline: String, path: String, baselineAt: Date) {
        self.pipeline = pipeline
        self.path = path
        self.baselineAt = baselineAt
    }
}
