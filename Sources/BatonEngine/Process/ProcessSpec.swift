/// Everything the process runner needs to start one attempt of a process task.
///
/// The executor builds it from the manifest; the runner adds nothing of Baton's own, so what
/// a task sees (its environment, its working directory, its standard input) is exactly what
/// this value says, and two runs of the same spec behave alike on any node.
public struct ProcessSpec: Sendable {
    /// How the program is named. Kept apart so that only a `run` *string* ever reaches a
    /// shell: arguments are handed to the program as they are, so a parameter value such as
    /// `$(touch pwned)` in `arguments` is data, never code (design decision 7).
    public enum Command: Sendable, Hashable {
        /// Run by `/bin/sh -c`.
        case shell(String)
        /// Run directly. `argv[0]` without a slash is looked up in the `PATH` of the spec's
        /// `environment` (not Baton's own, which the task must not depend on); with a slash
        /// it is a path, relative ones resolved against `workingDirectory`.
        case arguments([String])
    }

    public var command: Command
    /// Where the process starts (for a task, the read-only exported tree of its commit).
    public var workingDirectory: String
    /// The whole environment of the child. Nothing is inherited from Baton, so neither its
    /// secrets nor its configuration leak into tasks.
    public var environment: [String: String]
    /// The attempt's log file, created with its parent folders and truncated if it exists.
    public var logPath: String
    /// Per attempt; at expiry the process group is terminated and the outcome is `timedOut`.
    public var timeout: Duration?
    /// Time between SIGTERM to the group and SIGKILL, so well-behaved tasks can clean up.
    public var killGrace: Duration
    /// Secret values: every occurrence in a log line is written as `***`.
    public var redactions: [String]
    /// Bytes of log lines kept per attempt; past it one note line is written and the rest
    /// of the output is read and discarded, so the process keeps running and never blocks
    /// on a full pipe.
    public var logLimit: Int
    /// Who the process runs as: nil for Baton's own user, or the operator's `--task-user`
    /// (see `TaskUser`). Never taken from a manifest.
    public var user: TaskUser?

    public init(
        command: Command,
        workingDirectory: String,
        environment: [String: String],
        logPath: String,
        timeout: Duration? = nil,
        killGrace: Duration = .seconds(10),
        redactions: [String] = [],
        logLimit: Int = 10 * 1024 * 1024,
        user: TaskUser? = nil
    ) {
        self.command = command
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.logPath = logPath
        self.timeout = timeout
        self.killGrace = killGrace
        self.redactions = redactions
        self.logLimit = logLimit
        self.user = user
    }
}
