/// Why the engine could not run a task or a run at all (as opposed to a task that ran and
/// failed, which is a state, not an error).
///
/// A struct with a stable `code`, like `GitError` and `StoreError`, so callers match on the
/// code and people read the message.
public struct EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A secret named by the manifest could not be resolved (missing, or a file with
        /// permissions looser than 0600).
        public static let secret = Code(rawValue: "secret")
        /// The process could not be started (no such program, not executable, no such
        /// working directory).
        public static let spawn = Code(rawValue: "spawn")
        /// The task's `$BATON_OUTPUT` file broke a rule (a malformed line, over 64 KiB).
        public static let outputs = Code(rawValue: "outputs")
        /// A run's parameters are wrong (unknown name, a value outside `allowed`, a missing
        /// required one).
        public static let parameters = Code(rawValue: "parameters")
        /// Reading or writing Baton's own files (logs, workspace) failed.
        public static let io = Code(rawValue: "io")
        /// An HTTP task's request could not be built or sent.
        public static let http = Code(rawValue: "http")
        /// `--task-user` cannot be used: no such user, it is root, Baton is not root, or
        /// util-linux's `setpriv` is missing.
        public static let taskUser = Code(rawValue: "task-user")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "[\(code)] \(message)" }
}
