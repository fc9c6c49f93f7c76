/// Why an `every` schedule was refused; the message names the value and what to write instead.
public struct ScheduleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable name for the kind of mistake, for callers that map errors to diagnostics.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public var description: String { rawValue }

        public static let intervalTooShort = Code(rawValue: "interval-too-short")
        public static let intervalNotWholeSeconds = Code(rawValue: "interval-not-whole-seconds")
        public static let offsetTooLarge = Code(rawValue: "offset-too-large")
        public static let offsetTooPrecise = Code(rawValue: "offset-too-precise")
    }

    /// The diagnostic code a manifest validator reports for any of these errors.
    public static let manifestCode = "invalid-schedule"

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
