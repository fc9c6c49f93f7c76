/// Something other than the clock that starts a pipeline: the end of another pipeline's run,
/// or a file arriving.
public enum PipelineTrigger: Sendable, Hashable {
    case upstream(UpstreamTrigger)
    case file(FileTrigger)
}

/// `{"pipeline": "ingest", "on": ["succeeded"], "params": {"day": "${upstream.outputs.day}"}}`:
/// run after each run of `pipeline` that ends in one of the `on` states.
public struct UpstreamTrigger: Sendable, Hashable {
    /// Which ends of the upstream run fire the trigger.
    public enum Condition: String, Sendable, Hashable, CaseIterable {
        case succeeded
        /// `failed` or `timedOut`.
        case failed
        /// Any end a run reaches by running: succeeded, failed, timed out or cancelled.
        case any

        /// Whether a run that ended in `state` (a `RunRecord.State` raw value) matches.
        public func matches(_ state: String) -> Bool {
            switch self {
            case .succeeded: state == "succeeded"
            case .failed: state == "failed" || state == "timedOut"
            case .any: ["succeeded", "failed", "timedOut", "cancelled"].contains(state)
            }
        }
    }

    public var pipeline: String
    public var on: [Condition]
    /// This pipeline's parameters, filled from the upstream run (never by a shell).
    public var params: [String: ParameterTemplate]

    public init(pipeline: String, on: [Condition] = [.succeeded], params: [String: ParameterTemplate] = [:]) {
        self.pipeline = pipeline
        self.on = on
        self.params = params
    }

    /// Whether a run that ended in `state` fires this trigger.
    public func fires(on state: String) -> Bool { on.contains { $0.matches(state) } }
}

/// `{"path": "/data/in/*.csv", "settle": "30s"}`: one run per file that appears in the folder
/// and matches the pattern, once it has stopped changing for `settle`.
public struct FileTrigger: Sendable, Hashable {
    /// The watched folder: absolute, no pattern characters.
    public var directory: String
    /// A file-name pattern (`*`, `?`, `[…]`), matched against names in `directory` only.
    public var pattern: String
    /// How long a file's size and modification time must stand still before it runs.
    public var settle: ManifestDuration
    /// The parameter that receives the file's absolute path.
    public var parameter: String

    public static let defaultSettle = ManifestDuration(milliseconds: 5_000)!
    public static let defaultParameter = "file"

    public init(directory: String, pattern: String, settle: ManifestDuration = FileTrigger.defaultSettle, parameter: String = FileTrigger.defaultParameter) {
        self.directory = directory
        self.pattern = pattern
        self.settle = settle
        self.parameter = parameter
    }

    /// `/data/in/*.csv`.
    public var path: String { directory == "/" ? "/" + pattern : directory + "/" + pattern }
}

/// `"onFailure": {"pipeline": "notify-oncall"}`: after a run of this pipeline fails or times
/// out, run `pipeline` with the failed run's id, pipeline and reason as its parameters
/// `failedRun`, `failedPipeline` and `failedReason`.
public struct FailureHandler: Sendable, Hashable {
    /// The parameters a failure handler receives; it must declare them.
    public static let parameters = ["failedRun", "failedPipeline", "failedReason"]

    public var pipeline: String

    public init(pipeline: String) {
        self.pipeline = pipeline
    }
}
