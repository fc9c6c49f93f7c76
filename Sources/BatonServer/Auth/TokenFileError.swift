/// Why a tokens file (`--http-tokens`) was refused at start: the file, the line and the field
/// at fault, in the compiler-style form of the other errors (`tokens:3: role: …`).
public struct TokenFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The file cannot be read.
        public static let unreadable = Code(rawValue: "tokens-unreadable")
        /// A line is not `NAME ROLE SHA256-HASH`.
        public static let malformedLine = Code(rawValue: "tokens-malformed-line")
        /// A name with characters other than letters, digits, `.`, `_`, `-`, `@`.
        public static let invalidName = Code(rawValue: "tokens-invalid-name")
        /// A role other than `read` or `operate`.
        public static let invalidRole = Code(rawValue: "tokens-invalid-role")
        /// A hash that is not 64 hexadecimal digits.
        public static let invalidHash = Code(rawValue: "tokens-invalid-hash")
        /// Two lines with one name, or one hash (the same token under two names).
        public static let duplicate = Code(rawValue: "tokens-duplicate")
        /// No token at all: nobody could use the server.
        public static let empty = Code(rawValue: "tokens-empty")
    }

    public var code: Code
    public var file: String
    /// From 1; nil for an error about the whole file.
    public var line: Int?
    /// `name`, `role` or `hash`; nil for a whole line or the whole file.
    public var field: String?
    public var message: String

    public init(_ code: Code, file: String, line: Int? = nil, field: String? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(field.map { "\($0): " } ?? "")\(message) [\(code)]"
    }
}
