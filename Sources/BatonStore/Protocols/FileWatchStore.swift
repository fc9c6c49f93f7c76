import Foundation

/// File-arrival triggers: each watch's baseline (the files already there when it began) and
/// the files it has seen, so a file gets one run whatever crashes and rescans happen.
public protocol FileWatchStore: Sendable {
    /// Every file trigger whose baseline was taken, so the daemon knows, at start and after
    /// each pass, which watches are new (a baseline is due) and which stopped (forget them).
    func fileWatches() async throws(StoreError) -> [FileWatchRecord]

    /// Takes the baseline of `watch`: records it and `fileKeys` (the trigger keys of the
    /// files already there) as seen, in one transaction, unless a baseline for its
    /// (pipeline, path) exists. Returns whether this call took it. One transaction, so a crash
    /// leaves either the whole baseline or none, and a second call never widens it with files
    /// that arrived since (those must run).
    @discardableResult
    func takeFileBaseline(_ watch: FileWatchRecord, fileKeys: [String]) async throws(StoreError) -> Bool

    /// The trigger keys of the files (pipeline, path) has seen: its baseline and every file
    /// that got its run. What the daemon skips when it scans the folder.
    func seenFiles(pipeline: String, path: String) async throws(StoreError) -> Set<String>

    /// Records the run of a new file and marks the file (its `triggerKey`) seen for
    /// (pipeline, path) if that watch exists (one forgotten a moment before stays forgotten),
    /// in one transaction. Creates nothing, and returns nil, when the file was seen already or
    /// the pipeline already has a run with that key: so a file gets one run whatever crashes
    /// and rescans happen, and keeps it after runs are pruned. The run must carry its
    /// `triggerKey` (`RunRecord.fileTriggerKey`).
    func createFileRun(_ run: RunRecord, watch path: String) async throws(StoreError) -> RunRecord?

    /// Drops the baseline and the seen files of (pipeline, path) when the daemon stops
    /// watching it (its trigger removed or changed, its pipeline retired), so watching it
    /// again later takes a new baseline instead of running what arrived in between.
    func forgetFileWatch(pipeline: String, path: String) async throws(StoreError)
}
