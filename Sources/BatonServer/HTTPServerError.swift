/// Why the HTTP server could not start or stopped.
public struct HTTPServerError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// `--http` is not HOST:PORT.
        public static let invalidAddress = Code(rawValue: "http-invalid-address")
        /// The address cannot be listened on (in use, not an address of this host, a
        /// privileged port).
        public static let bindFailed = Code(rawValue: "http-bind-failed")
        /// The server stopped with an error after it started.
        public static let failed = Code(rawValue: "http-failed")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }
}
