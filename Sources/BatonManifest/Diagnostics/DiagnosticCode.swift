/// The stable name of a kind of problem, printed in brackets (`[unknown-field]`) and in
/// `--json`.
///
/// A struct with static members rather than an enum so that adding a code never breaks a
/// caller's exhaustive `switch`; scripts and editors match on `rawValue`, which never changes
/// once shipped.
public struct DiagnosticCode: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    // Reading the file.
    /// Not JSON: a missing comma, a trailing comma, a comment, a bad escape.
    public static let syntax = DiagnosticCode(rawValue: "syntax")
    /// Not UTF-8, a byte order mark, or an unpaired surrogate.
    public static let encoding = DiagnosticCode(rawValue: "encoding")
    /// Over 1 MiB.
    public static let tooLarge = DiagnosticCode(rawValue: "too-large")
    /// Nested deeper than 64 levels.
    public static let tooDeep = DiagnosticCode(rawValue: "too-deep")
    /// The same field twice in one object.
    public static let duplicateKey = DiagnosticCode(rawValue: "duplicate-key")
    /// A file Baton cannot read at all (permissions, a directory named `.json`).
    public static let unreadable = DiagnosticCode(rawValue: "unreadable")
    /// A symbolic link under the manifests path of a Git source. Not followed: its target
    /// could lie outside the repository, and what a manifest says must be what the commit
    /// says.
    public static let symlink = DiagnosticCode(rawValue: "symlink")
    /// A submodule (gitlink) under the manifests path of a Git source. Not fetched: its
    /// manifests would change without a commit in this repository.
    public static let submodule = DiagnosticCode(rawValue: "submodule")

    // Shape.
    /// A field the manifest language does not have (often a typo; a suggestion follows).
    public static let unknownField = DiagnosticCode(rawValue: "unknown-field")
    /// A required field is missing.
    public static let required = DiagnosticCode(rawValue: "required")
    /// A value of the wrong JSON type.
    public static let type = DiagnosticCode(rawValue: "type")
    /// A value of the right type that is not allowed (out of range, not one of the choices).
    public static let value = DiagnosticCode(rawValue: "value")
    /// A pipeline, task, parameter, variable or secret name that breaks its naming rule.
    public static let invalidName = DiagnosticCode(rawValue: "invalid-name")
    /// Two pipelines in the repository, or two tasks in a pipeline, share a name.
    public static let duplicateName = DiagnosticCode(rawValue: "duplicate-name")
    /// Fields that exclude each other, or one that needs another that is absent.
    public static let conflict = DiagnosticCode(rawValue: "conflict")

    // Meaning.
    /// `needs` names a task the pipeline does not have.
    public static let unknownNeed = DiagnosticCode(rawValue: "unknown-need")
    /// `needs` loops back on itself.
    public static let cycle = DiagnosticCode(rawValue: "cycle")
    /// Not a duration like `90s` or `1h30m`.
    public static let invalidDuration = DiagnosticCode(rawValue: "invalid-duration")
    /// Not an IANA time zone name.
    public static let invalidTimezone = DiagnosticCode(rawValue: "invalid-timezone")
    /// A cron expression that breaks the rules of docs/schedules.md or never fires.
    public static let invalidCron = DiagnosticCode(rawValue: "invalid-cron")
    /// A schedule that is not a cron expression but still cannot work (an `every` under 1s).
    public static let invalidSchedule = DiagnosticCode(rawValue: "invalid-schedule")
    /// An `if` that names an unknown parameter, a task that is not upstream, or is malformed.
    public static let invalidCondition = DiagnosticCode(rawValue: "invalid-condition")
    /// A URL that is not absolute http(s).
    public static let invalidURL = DiagnosticCode(rawValue: "invalid-url")
    /// A path that is absolute or leaves the repository.
    public static let invalidPath = DiagnosticCode(rawValue: "invalid-path")

    // Warnings: legal, but almost surely not what was meant.
    /// The run timeout is longer than the time between fires under `concurrency: forbid`.
    public static let timeoutExceedsInterval = DiagnosticCode(rawValue: "timeout-exceeds-interval")
    /// A task timeout is longer than the whole run's timeout, so it can never be reached.
    public static let timeoutExceedsRun = DiagnosticCode(rawValue: "timeout-exceeds-run")
    /// A task that can never run (`when: failure` without `needs`).
    public static let unreachableTask = DiagnosticCode(rawValue: "unreachable-task")
    /// `retryMaxDelay` is shorter than `retryDelay`, so the backoff never grows.
    public static let retryDelayCapped = DiagnosticCode(rawValue: "retry-delay-capped")
    /// No `*.json` file found where manifests were expected.
    public static let noManifests = DiagnosticCode(rawValue: "no-manifests")
    /// A commit whose manifests path is missing or holds no manifest while pipelines are
    /// live. An error, because a mistyped path or a bad merge must never retire everything;
    /// `baton reconcile --allow-empty` applies such a commit on purpose.
    public static let emptySource = DiagnosticCode(rawValue: "empty-source")
    /// Pipelines whose `triggers` and `onFailure` start each other in a loop: each run would
    /// start the next without end.
    public static let triggerCycle = DiagnosticCode(rawValue: "trigger-cycle")
    /// A `triggers` or `onFailure` names a pipeline the repository does not define (a
    /// warning: it may be added later, and until then nothing fires).
    public static let unknownPipeline = DiagnosticCode(rawValue: "unknown-pipeline")
}
