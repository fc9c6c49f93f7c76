/// A pipeline as its manifest declares it: the desired state Baton reconciles towards.
///
/// A plain value: decoding and validation produce it, and nothing downstream can hold one
/// that did not pass validation. Identity is `name`, never the file path, so moving a file
/// changes nothing and renaming retires one pipeline and creates another.
public struct Pipeline: Sendable, Hashable {
    public static let apiVersion = "baton/v1"
    public static let kind = "Pipeline"
    /// The retention used when `keepRuns` is absent.
    public static let defaultKeepRuns = 100

    public var name: String
    public var description: String?
    public var owners: [String]
    public var labels: [String: String]
    /// `nil`: the pipeline runs only when triggered.
    public var schedule: PipelineSchedule?
    public var suspend: Bool
    public var maxParallel: Int?
    /// The whole run's timeout.
    public var timeout: ManifestDuration?
    public var keepRuns: Int
    /// In manifest order, so `--param` help and `plan` list them as written.
    public var parameters: [Parameter]
    public var env: [EnvironmentVariable]
    /// Retry and timeout settings every task starts from.
    public var defaults: TaskSettings
    /// In manifest order; `needs` makes the DAG.
    public var tasks: [PipelineTask]
    public var alerts: [Alert]
    /// What starts runs besides the schedule: upstream runs ending, files arriving.
    public var triggers: [PipelineTrigger]
    /// The pipeline to run after a run of this one fails or times out.
    public var onFailure: FailureHandler?

    public init(
        name: String, description: String? = nil, owners: [String] = [], labels: [String: String] = [:],
        schedule: PipelineSchedule? = nil, suspend: Bool = false, maxParallel: Int? = nil,
        timeout: ManifestDuration? = nil, keepRuns: Int = Pipeline.defaultKeepRuns, parameters: [Parameter] = [],
        env: [EnvironmentVariable] = [], defaults: TaskSettings = TaskSettings(), tasks: [PipelineTask],
        alerts: [Alert] = [], triggers: [PipelineTrigger] = [], onFailure: FailureHandler? = nil
    ) {
        self.name = name
        self.description = description
        self.owners = owners
        self.labels = labels
        self.schedule = schedule
        self.suspend = suspend
        self.maxParallel = maxParallel
        self.timeout = timeout
        self.keepRuns = keepRuns
        self.parameters = parameters
        self.env = env
        self.defaults = defaults
        self.tasks = tasks
        self.alerts = alerts
        self.triggers = triggers
        self.onFailure = onFailure
    }

    /// The pipelines whose runs start this one (`triggers` of kind `pipeline`).
    public var upstreamTriggers: [UpstreamTrigger] {
        triggers.compactMap { if case .upstream(let trigger) = $0 { trigger } else { nil } }
    }

    /// The folders whose new files start this one.
    public var fileTriggers: [FileTrigger] {
        triggers.compactMap { if case .file(let trigger) = $0 { trigger } else { nil } }
    }
}

/// A run-time parameter, passed to tasks as `BATON_PARAM_<NAME>` and never substituted into
/// command text.
public struct Parameter: Sendable, Hashable {
    public var name: String
    public var defaultValue: String?
    /// `nil` when any value is accepted.
    public var allowed: [String]?
    public var required: Bool
    public var description: String?

    public init(name: String, defaultValue: String? = nil, allowed: [String]? = nil, required: Bool = false, description: String? = nil) {
        self.name = name
        self.defaultValue = defaultValue
        self.allowed = allowed
        self.required = required
        self.description = description
    }
}

/// A value given to a task's environment: literal text, or the name of a secret resolved only
/// at run time, so that secret values never enter Git.
public enum EnvironmentValue: Sendable, Hashable {
    case literal(String)
    case secret(String)
}

/// One environment variable of a pipeline or task.
public struct EnvironmentVariable: Sendable, Hashable {
    public var name: String
    public var value: EnvironmentValue

    public init(name: String, value: EnvironmentValue) {
        self.name = name
        self.value = value
    }
}

/// Retry and timeout settings; `nil` fields inherit (task ← pipeline `defaults` ← built-in).
public struct TaskSettings: Sendable, Hashable {
    public var retries: Int?
    public var retryDelay: ManifestDuration?
    public var retryBackoff: Double?
    public var retryMaxDelay: ManifestDuration?
    public var timeout: ManifestDuration?

    public init(retries: Int? = nil, retryDelay: ManifestDuration? = nil, retryBackoff: Double? = nil, retryMaxDelay: ManifestDuration? = nil, timeout: ManifestDuration? = nil) {
        self.retries = retries
        self.retryDelay = retryDelay
        self.retryBackoff = retryBackoff
        self.retryMaxDelay = retryMaxDelay
        self.timeout = timeout
    }

    /// These settings with every unset field taken from `base`.
    public func inheriting(from base: TaskSettings) -> TaskSettings {
        TaskSettings(
            retries: retries ?? base.retries,
            retryDelay: retryDelay ?? base.retryDelay,
            retryBackoff: retryBackoff ?? base.retryBackoff,
            retryMaxDelay: retryMaxDelay ?? base.retryMaxDelay,
            timeout: timeout ?? base.timeout)
    }
}

/// Where and how an alert is sent, and on which events.
public struct Alert: Sendable, Hashable {
    public enum Event: String, Sendable, Hashable, CaseIterable {
        case failure, success, retry, missed, late
    }

    public enum Target: Sendable, Hashable {
        case webhook(String)
        case command(ProcessCommand)
    }

    public var on: [Event]
    public var target: Target
    /// How long after its scheduled time a run may take before `late` fires.
    public var sla: ManifestDuration?

    public init(on: [Event], target: Target, sla: ManifestDuration? = nil) {
        self.on = on
        self.target = target
        self.sla = sla
    }
}
