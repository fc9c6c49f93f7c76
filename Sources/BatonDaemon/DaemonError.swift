/// Why the daemon could not start or a command could not reach it.
///
/// A struct with a stable `code`, like the other modules' errors.
public struct DaemonError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Another daemon holds the state directory.
        public static let locked = Code(rawValue: "daemon-locked")
        /// No daemon runs on the state directory (for commands that need one).
        public static let notRunning = Code(rawValue: "daemon-not-running")
        /// The daemon did not answer in time.
        public static let timeout = Code(rawValue: "daemon-timeout")
        /// A run cannot be built: its version is gone or no longer valid, its tree cannot be
        /// exported, or its parameters are wrong.
        public static let invalidRun = Code(rawValue: "daemon-invalid-run")
        /// A stored version's spec no longer validates (the rules changed since it was applied).
        public static let invalidManifest = Code(rawValue: "invalid-manifest")
        /// Baton's own files could not be read or written.
        public static let io = Code(rawValue: "daemon-io")
        /// The store was deleted, replaced or damaged under the running daemon, which stopped.
        public static let storeLost = Code(rawValue: "daemon-store-lost")
        /// A service living inside the daemon (the HTTP server) failed, e.g. its address was
        /// in use; the daemon stopped with it.
        public static let companionFailed = Code(rawValue: "daemon-companion-failed")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "[\(code)] \(message)" }
}
