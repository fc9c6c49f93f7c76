/// A span of time written the way people write it in manifests: `90s`, `5m`, `1h30m`, `2d`,
/// `250ms`.
///
/// The grammar is deliberately narrow (units `ms`, `s`, `m`, `h`, `d`; each at most once,
/// largest first; no signs, no fractions) so that a reviewer reading a pull request sees one
/// spelling per value and never has to wonder whether `1.5h` or `90m` was meant.
/// Milliseconds are the unit of storage because `250ms` is the finest thing one can write.
public struct ManifestDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length in milliseconds; always greater than zero.
    public let milliseconds: Int64

    /// Builds a duration from milliseconds; `nil` unless positive, since a zero or negative
    /// timeout, delay or interval is never what a manifest means.
    public init?(milliseconds: Int64) {
        guard milliseconds > 0 else { return nil }
        self.milliseconds = milliseconds
    }

    /// Parses the manifest spelling, throwing an error whose message says what to write instead.
    public init(parsing text: String) throws(DurationSyntaxError) {
        self.milliseconds = try Self.parse(text)
    }

    /// The length in seconds, for arithmetic with clocks and dates.
    public var seconds: Double { Double(milliseconds) / 1000 }

    /// The canonical spelling (`1h30m`, `250ms`, `2d`): what `plan` and `status` print.
    public var description: String {
        var rest = milliseconds
        var out = ""
        for unit in Unit.allCases where rest >= unit.milliseconds {
            let count = rest / unit.milliseconds
            rest -= count * unit.milliseconds
            out += "\(count)\(unit.symbol)"
        }
        return out
    }

    public static func < (lhs: ManifestDuration, rhs: ManifestDuration) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    /// Units, largest first: the order they must appear in.
    enum Unit: Int, CaseIterable {
        case day, hour, minute, second, millisecond

        var milliseconds: Int64 {
            switch self {
            case .day: 86_400_000
            case .hour: 3_600_000
            case .minute: 60_000
            case .second: 1_000
            case .millisecond: 1
            }
        }

        var symbol: String {
            switch self {
            case .day: "d"
            case .hour: "h"
            case .minute: "m"
            case .second: "s"
            case .millisecond: "ms"
            }
        }
    }

    private static let hint = "write whole numbers with units (ms, s, m, h, d), largest unit first, like \"90s\", \"5m\", \"1h30m\", \"2d\" or \"250ms\""

    private static func parse(_ text: String) throws(DurationSyntaxError) -> Int64 {
        var utf8 = text
        // Manifest strings are native UTF-8, so this does not copy; it avoids an array per call.
        let result: Result<Int64, DurationSyntaxError> = utf8.withUTF8 { bytes in
            do throws(DurationSyntaxError) {
                return .success(try parse(bytes, text: text))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, text: String) throws(DurationSyntaxError) -> Int64 {
        guard !bytes.isEmpty else {
            throw DurationSyntaxError(message: "empty duration; \(hint)")
        }
        var index = 0
        var total: Int64 = 0
        var previous: Unit?
        while index < bytes.count {
            let digitsStart = index
            var value: Int64 = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(bytes[index] - 0x30))
                guard !o1, !o2 else { throw DurationSyntaxError(message: "duration \"\(text)\" is too large") }
                value = a
                index += 1
            }
            guard index > digitsStart else {
                if bytes[index] == UInt8(ascii: "-") {
                    throw DurationSyntaxError(message: "duration \"\(text)\" is negative; durations are always positive")
                }
                let what = describeByte(bytes[index])
                throw DurationSyntaxError(message: "duration \"\(text)\" has \(what) where a number was expected; \(hint)")
            }
            guard index < bytes.count else {
                throw DurationSyntaxError(message: "duration \"\(text)\" has no unit after \(value); \(hint)")
            }
            // The unit is the run of letters after the number.
            let unitStart = index
            while index < bytes.count, (bytes[index] | 0x20) >= UInt8(ascii: "a"), (bytes[index] | 0x20) <= UInt8(ascii: "z") {
                index += 1
            }
            let unit: Unit
            switch (index - unitStart, bytes[unitStart], index - unitStart == 2 ? bytes[unitStart + 1] : 0) {
            case (1, UInt8(ascii: "d"), _): unit = .day
            case (1, UInt8(ascii: "h"), _): unit = .hour
            case (1, UInt8(ascii: "m"), _): unit = .minute
            case (1, UInt8(ascii: "s"), _): unit = .second
            case (2, UInt8(ascii: "m"), UInt8(ascii: "s")): unit = .millisecond
            default:
                if index == unitStart, bytes[unitStart] == UInt8(ascii: ".") {
                    throw DurationSyntaxError(message: "duration \"\(text)\" has a fraction; write whole units instead, like \"1h30m\" for an hour and a half")
                }
                if index == unitStart, bytes[unitStart] == UInt8(ascii: " ") {
                    throw DurationSyntaxError(message: "duration \"\(text)\" has a space; write the number and unit together, like \"30s\"")
                }
                let symbol = String(decoding: UnsafeBufferPointer(rebasing: bytes[unitStart..<index]), as: UTF8.self)
                let shown = symbol.isEmpty ? describeByte(bytes[unitStart]) : "\"\(symbol)\""
                throw DurationSyntaxError(message: "duration \"\(text)\" has unknown unit \(shown); \(hint)")
            }
            if let previous, unit.rawValue <= previous.rawValue {
                throw DurationSyntaxError(message: "duration \"\(text)\" repeats a unit or puts \"\(unit.symbol)\" after \"\(previous.symbol)\"; units go largest first, each at most once")
            }
            previous = unit
            let (part, o1) = value.multipliedReportingOverflow(by: unit.milliseconds)
            let (sum, o2) = total.addingReportingOverflow(part)
            guard !o1, !o2 else { throw DurationSyntaxError(message: "duration \"\(text)\" is too large") }
            total = sum
        }
        guard total > 0 else {
            throw DurationSyntaxError(message: "duration \"\(text)\" is zero; a duration must be longer than 0")
        }
        return total
    }

    private static func describeByte(_ byte: UInt8) -> String {
        if byte >= 0x21, byte < 0x7F { return "\"\(Character(Unicode.Scalar(byte)))\"" }
        if byte == 0x20 { return "a space" }
        return "a non-ASCII character"
    }
}

/// Why a duration string was refused; the message names the text and the accepted form.
public struct DurationSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
