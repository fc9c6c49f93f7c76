import BatonStore

/// Why an operation was refused or failed, the same for every face of Baton.
///
/// A struct with a stable `code` (like the other modules' errors): scripts and API clients
/// match on the code, never on the message. Each code maps to the exit status the CLI has
/// always used for that case and to the HTTP status the API answers with, so the two faces
/// cannot drift apart.
public struct OperationError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, Codable, CaseIterable {
        case unknownRun = "unknown-run"
        case unknownTask = "unknown-task"
        case unknownAttempt = "unknown-attempt"
        case unknownPipeline = "unknown-pipeline"
        /// The run is still going, succeeded, or cannot be run again (its version is gone).
        case notRetryable = "not-retryable"
        /// A parameter that is not declared, a value outside `allowed`, a required one missing.
        case invalidParameters = "invalid-parameters"
        /// The stored spec of a pipeline no longer validates (a newer Baton's rules).
        case invalidManifest = "invalid-manifest"
        /// The operation needs `baton serve` on the state directory and none runs.
        case daemonNotRunning = "daemon-not-running"
        /// Nothing has been reconciled into the store yet.
        case notReconciled = "not-reconciled"
        /// The state store could not be read or written.
        case storeFailed = "store-failed"
        /// The daemon did not answer in time.
        case timeout = "timeout"
        /// A request that makes no sense whatever the state (a limit of 0, a negative offset).
        case badRequest = "bad-request"
        /// A paging cursor this Baton did not hand out.
        case badCursor = "bad-cursor"
        /// No backfill has this id.
        case unknownBackfill = "unknown-backfill"
        /// A backfill of a pipeline that has no schedule, hence no slots to run.
        case noSchedule = "no-schedule"
        /// A backfill's range that is empty or reversed (`from` not before `to`), starts in
        /// the future, or a bound that is neither an RFC 3339 instant nor a plain date.
        case badRange = "bad-range"
        /// A backfill's range holding more slots than one backfill may make
        /// (`Operations.backfillSlotLimit`); split it, or backfill a shorter range.
        case tooManySlots = "too-many-slots"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A store failure: what the store said, with its own code, for whoever reads the log.
    public init(store error: StoreError) {
        self.init(.storeFailed, error.description)
    }

    public var description: String { "[\(code.rawValue)] \(message)" }

    /// What the CLI exits with: 2 for a request that was wrong as given (a usage error),
    /// 1 for everything else, as Baton's commands always have.
    public var exitCode: Int32 {
        switch code {
        case .invalidParameters, .badRequest, .badCursor, .badRange, .tooManySlots: 2
        default: 1
        }
    }

    /// What the API answers with.
    public var httpStatus: Int {
        switch code {
        case .unknownRun, .unknownTask, .unknownAttempt, .unknownPipeline, .unknownBackfill: 404
        case .notRetryable, .invalidManifest, .noSchedule: 409
        case .invalidParameters, .badRequest, .badCursor, .badRange, .tooManySlots: 400
        case .daemonNotRunning, .notReconciled: 503
        case .timeout: 504
        case .storeFailed: 500
        }
    }
}
