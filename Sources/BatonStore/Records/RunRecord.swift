import Foundation

/// One execution of a pipeline. The engine fills this table; the store guarantees its key.
///
/// `(pipeline, scheduledAt)` is unique for scheduled runs: whatever crashes or races happen,
/// a slot has at most one run. Manual runs have no slot (`scheduledAt` nil) and are not
/// limited.
public struct RunRecord: Sendable, Hashable, Codable, Identifiable {
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        case queued, running, succeeded, failed, cancelled, timedOut, skipped, missed
    }

    /// What started a run. Stored as its raw text; a row with any other text is unreadable,
    /// never guessed at.
    public enum Trigger: String, Sendable, Hashable, Codable, CaseIterable {
        /// A slot of the pipeline's schedule came due (or was missed).
        case schedule
        /// Someone asked: `baton trigger`, `baton run`, the API or the dashboard.
        case manual
        /// A failed run resumed: `baton retry`, the API or the dashboard.
        case retry
        /// A past slot run on request (`baton backfill`); `backfillID` names the backfill.
        case backfill
        /// A run of another pipeline ended (`triggers` with `pipeline`): `upstreamRunID` names it.
        case pipeline
        /// A run of another pipeline failed and named this one in its `onFailure`.
        case failure
        /// A file arrived in a folder the pipeline watches (`triggers` with `path`): its
        /// `triggerKey` names the file (see `fileTriggerKey`).
        case file
    }

    public var id: Int64?
    public var pipeline: String
    /// The version it runs; nil for `baton run FILE`, which runs a manifest outside the store.
    public var versionID: Int64?
    public var scheduledAt: Date?
    public var trigger: Trigger
    public var state: State
    public var parameters: [String: String]
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var reason: String?
    /// The failed run this one resumes (`baton retry`).
    public var retryOf: Int64?
    /// The process executing the run (pid and start time): a run left `running` by a process
    /// that is gone was interrupted, one whose process still runs (a `baton run` in another
    /// terminal) is not the daemon's to settle.
    public var ownerPid: Int?
    public var ownerStartTime: Int64?
    /// For `baton run FILE` (no version): the manifest file's absolute path and the SHA-256 of
    /// each task's canonical spec as it ran, so `baton retry` can run the file as it is now
    /// and keep the results of the tasks that succeeded only where those tasks are unchanged.
    public var manifestPath: String?
    public var taskSpecHashes: [String: String]
    /// Who asked for the run when someone did (`trigger`, a queued `retry`): an operating-system
    /// user or an API token's name. Nil for scheduled runs and for runs started in the
    /// foreground, whose process owner ran them.
    public var requestedBy: String?
    /// The backfill that made this run (`baton backfill`): the daemon starts such a run only
    /// when the backfill's `maxParallel` allows, never as soon as it is queued.
    public var backfillID: Int64?
    /// For `pipeline` and `failure` runs: the run whose end started this one, and its
    /// pipeline (kept apart from the id, which pruning may remove).
    public var upstreamRunID: Int64?
    public var upstreamPipeline: String?
    /// What a run started by an event is unique by, per pipeline (`run:42` for the runs an
    /// upstream run fires): the store keeps one run per key, as it keeps one per slot, so a
    /// crash between an upstream's end and its dependents' start never fires them twice.
    public var triggerKey: String?
    /// Whether the runs this one's end starts (`triggers` of other pipelines, its own
    /// `onFailure`) have been recorded. A daemon that stopped in between fires them at its
    /// next start; runs recorded before the feature, and foreground runs, count as done.
    public var dependentsFired: Bool

    public init(id: Int64? = nil, pipeline: String, versionID: Int64?, scheduledAt: Date?, trigger: Trigger, state: State, parameters: [String: String] = [:], createdAt: Date, startedAt: Date? = nil, finishedAt: Date? = nil, reason: String? = nil, retryOf: Int64? = nil, ownerPid: Int? = nil, ownerStartTime: Int64? = nil, manifestPath: String? = nil, taskSpecHashes: [String: String] = [:], requestedBy: String? = nil, backfillID: Int64? = nil,
                upstreamRunID: Int64? = nil, upstreamPipeline: String? = nil, triggerKey: String? = nil, dependentsFired: Bool = false) {
        self.id = id
        self.pipeline = pipeline
        self.versionID = versionID
        self.scheduledAt = scheduledAt
        self.trigger = trigger
        self.state = state
        self.parameters = parameters
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.reason = reason
        self.retryOf = retryOf
        self.ownerPid = ownerPid
        self.ownerStartTime = ownerStartTime
        self.manifestPath = manifestPath
        self.taskSpecHashes = taskSpecHashes
        self.requestedBy = requestedBy
        self.backfillID = backfillID
        self.upstreamRunID = upstreamRunID
        self.upstreamPipeline = upstreamPipeline
        self.triggerKey = triggerKey
        self.dependentsFired = dependentsFired
    }

    /// Whether the run has ended, whatever way.
    public var isFinished: Bool { ![.queued, .running].contains(state) }

    /// The key of a `file` run: `file:<absolute path>@<device>:<inode>:<mtime seconds>.<nanoseconds>`.
    ///
    /// The file's identity and its modification time are in it, not only its path, so the
    /// store's one run per key means "one run per version of a file": the same file seen
    /// again (a rescan, a restart) runs nothing, while a file replaced at the same path (a
    /// new inode) or rewritten in place (a new mtime) after its run is a new arrival and runs
    /// again. The nanoseconds are written with nine digits.
    public static func fileTriggerKey(path: String, device: UInt64, inode: UInt64, seconds: Int64, nanoseconds: Int64) -> String {
        let fraction = String(nanoseconds)
        return "file:\(path)@\(device):\(inode):\(seconds).\(String(repeating: "0", count: max(0, 9 - fraction.count)))\(fraction)"
    }

    /// The absolute path of the file that started a `file` run, read back from its key; nil
    /// for other runs.
    public var triggerFile: String? {
        guard trigger == .file, let key = triggerKey, key.hasPrefix("file:"), let at = key.lastIndex(of: "@") else { return nil }
        return String(key[key.index(key.startIndex, offsetBy: 5)..<at])
    }
}

/// One attempt of one task of a run. The engine fills this table.
public struct TaskAttemptRecord: Sendable, Hashable, Codable, Identifiable {
    public var id: Int64?
    public var runID: Int64
    public var taskID: String
    public var attempt: Int
    public var state: TaskState
    public var startedAt: Date?
    public var finishedAt: Date?
    public var exitCode: Int?
    public var signal: Int?
    public var reason: String?
    public var outputs: [String: String]
    public var logPath: String?
    /// With `processStartTime`, identifies the process across a daemon restart even when
    /// the pid has been reused.
    public var pid: Int?
    public var processStartTime: Int64?
    /// The cache key a successful attempt is found again by.
    public var cacheKey: String?

    public init(id: Int64? = nil, runID: Int64, taskID: String, attempt: Int, state: TaskState, startedAt: Date? = nil, finishedAt: Date? = nil, exitCode: Int? = nil, signal: Int? = nil, reason: String? = nil, outputs: [String: String] = [:], logPath: String? = nil, pid: Int? = nil, processStartTime: Int64? = nil, cacheKey: String? = nil) {
        self.id = id
        self.runID = runID
        self.taskID = taskID
        self.attempt = attempt
        self.state = state
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.exitCode = exitCode
        self.signal = signal
        self.reason = reason
        self.outputs = outputs
        self.logPath = logPath
        self.pid = pid
        self.processStartTime = processStartTime
        self.cacheKey = cacheKey
    }
}
