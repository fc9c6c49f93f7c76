/// Why a cron expression was refused.
///
/// The message names the field, the offending token and its column, and says what to write
/// instead, because the person reading it is looking at a JSON string in a pull request, not
/// at the parser. `column` counts characters of the expression text from 1, so that
/// `baton validate` can add it to the column where the `cron` string starts and point inside it.
public struct CronSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable name for the kind of mistake; callers and tests match on it rather than on
    /// the wording of `message`. New codes may be added, so match with `==`, not `switch`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public var description: String { rawValue }

        public static let empty = Code(rawValue: "empty")
        public static let fieldCount = Code(rawValue: "field-count")
        public static let unknownMacro = Code(rawValue: "unknown-macro")
        public static let invalidCharacter = Code(rawValue: "invalid-character")
        public static let emptyItem = Code(rawValue: "empty-item")
        public static let outOfRange = Code(rawValue: "out-of-range")
        public static let unknownName = Code(rawValue: "unknown-name")
        public static let misplacedName = Code(rawValue: "misplaced-name")
        public static let reversedRange = Code(rawValue: "reversed-range")
        public static let invalidStep = Code(rawValue: "invalid-step")
        public static let invalidLast = Code(rawValue: "invalid-last")
        public static let invalidNth = Code(rawValue: "invalid-nth")
        public static let unsupported = Code(rawValue: "unsupported")
        public static let malformed = Code(rawValue: "malformed")
        public static let neverFires = Code(rawValue: "never-fires")
    }

    /// The diagnostic code a manifest validator reports for any of these errors.
    public static let manifestCode = "invalid-cron"

    public var code: Code
    public var message: String
    /// 1-based column, in characters of the expression text, of the offending token.
    public var column: Int

    public init(code: Code, message: String, column: Int) {
        self.code = code
        self.message = message
        self.column = column
    }

    public var description: String { message }
}
