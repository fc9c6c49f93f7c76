import BatonManifest
import Crypto
import BatonStore
import Foundation

/// Everything needed to run one pipeline once.
public struct RunRequest: Sendable {
    public var pipeline: Pipeline
    /// The pipeline version the run belongs to (runs point at the version they ran under);
    /// nil for a manifest run from a file.
    public var versionID: Int64?
    /// `BATON_COMMIT`: the commit of the version's tree.
    public var commit: String
    /// The tree the tasks run in: a version's read-only exported tree, or for `baton run
    /// FILE` the work tree that holds the file.
    public var treeRoot: String
    /// Each task's canonical spec text, by id: part of its cache key.
    public var taskSpecs: [String: String]
    /// Resolved values (see `RunParameters.resolve`).
    public var parameters: [String: String]
    /// The slot of a scheduled run; nil for a manual one.
    public var scheduledAt: Date?
    /// `manual`, `schedule` or `retry`.
    public var trigger: RunRecord.Trigger
    /// For `baton retry`: the failed run and its attempts. Its succeeded tasks keep their
    /// results; the rest run again.
    public var resume: (run: RunRecord, attempts: [TaskAttemptRecord])?
    /// For a run the daemon takes up again after a crash: the attempts this same run already
    /// recorded. Tasks that finished keep their results; a task whose last attempt was
    /// interrupted gets its next attempt if its retries allow, and otherwise stays failed.
    public var continuing: [TaskAttemptRecord] = []
    /// For `baton run FILE`: the manifest file's absolute path, recorded on the run so that
    /// `baton retry` can find the file again.
    public var manifestPath: String?

    public init(pipeline: Pipeline, versionID: Int64?, commit: String, treeRoot: String, taskSpecs: [String: String] = [:], parameters: [String: String] = [:], scheduledAt: Date? = nil, trigger: RunRecord.Trigger = .manual, resume: (run: RunRecord, attempts: [TaskAttemptRecord])? = nil) {
        self.pipeline = pipeline
        self.versionID = versionID
        self.commit = commit
        self.treeRoot = treeRoot
        self.taskSpecs = taskSpecs
        self.parameters = parameters
        self.scheduledAt = scheduledAt
        self.trigger = trigger
        self.resume = resume
    }
}

/// A finished run and its tasks, in manifest order.
public struct RunResult: Sendable {
    public var run: RunRecord
    public var tasks: [TaskResult]

    public init(run: RunRecord, tasks: [TaskResult]) {
        self.run = run
        self.tasks = tasks
    }
}

/// Something a person watching a run wants to see as it happens.
public struct ProgressEvent: Sendable {
    public enum Kind: Sendable {
        case started(attempt: Int)
        /// An attempt failed and another follows after `delay` (the `retry` alert).
        case retrying(failed: TaskResult, delay: Duration)
        case finished(TaskResult)
    }

    public var runID: Int64
    public var task: String
    public var kind: Kind
}

/// The canonical text of each task of a spec, by id, for cache keys: a change to a task's
/// own definition invalidates its cache, a change elsewhere in the manifest does not.
public enum TaskSpecs {
    /// The SHA-256 (hex) of each canonical task spec: what a file run records, so a retry
    /// can tell which tasks the file changed since.
    public static func hashes(_ specs: [String: String]) -> [String: String] {
        specs.mapValues { SHA256.hash(data: Array($0.utf8)).map { String(format: "%02x", $0) }.joined() }
    }

    public static func canonical(fromSpec spec: String) -> [String: String] {
        guard let root = try? JSONReader().read(Array(spec.utf8)).root,
              let tasks = root.members?.first(where: { $0.key == "tasks" })?.value.elements
        else { return [:] }
        var byID: [String: String] = [:]
        for task in tasks {
            guard let id = task.members?.first(where: { $0.key == "id" })?.value.stringValue else { continue }
            byID[id] = JSONWriter.canonical(task)
        }
        return byID
    }
}
