import BatonManifest
import Testing

/// Every refusal SCHEDULES.md asks for (S1-S7, D7, D9, D12, D20), each with the code, the
/// column `baton validate` will point at, and words of the message a user will read.
struct CronSyntaxErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var text: String
        var code: CronSyntaxError.Code
        var column: Int
        var says: String
        var testDescription: String { "\"\(text)\" -> \(code) at \(column)" }
        init(_ text: String, _ code: CronSyntaxError.Code, _ column: Int, _ says: String) {
            (self.text, self.code, self.column, self.says) = (text, code, column, says)
        }
    }

    static let cases: [Case] = [
        // S1 shape
        Case("", .empty, 1, "the cron expression is empty"),
        Case(" \t ", .empty, 1, "the cron expression is empty"),
        Case("0 0 * *", .fieldCount, 8, "has only 4 fields"),
        Case("0", .fieldCount, 2, "has only 1 field;"),
        Case("0 0 0 * * * *", .fieldCount, 11, "has 7 fields"),
        Case("0 0 1 1 * 2027", .fieldCount, 11, "no seconds or year field"),
        Case("0\n0 * * * *", .invalidCharacter, 2, "minute: \"0\n0\" has a control character"),
        Case("1.5 * * * *", .invalidCharacter, 2, "minute: \"1.5\" has \".\""),
        Case("0 0 * * é", .invalidCharacter, 9, "a non-ASCII character"),
        // S2 values and names
        Case("60 * * * *", .outOfRange, 1, "minute: \"60\" is out of range 0-59 at column 1"),
        Case("0 24 * * *", .outOfRange, 3, "hour: \"24\" is out of range 0-23"),
        Case("0 0 0 * *", .outOfRange, 5, "day-of-month: \"0\" is out of range 1-31"),
        Case("0 0 32 * *", .outOfRange, 5, "day-of-month: \"32\""),
        Case("0 0 * 0 *", .outOfRange, 7, "month: \"0\" is out of range 1-12"),
        Case("0 0 * 13 *", .outOfRange, 7, "month: \"13\""),
        Case("0 0 * * 8", .outOfRange, 9, "day-of-week: \"8\" is out of range 0-7"),
        Case("0 0 * * MONDAY", .unknownName, 9, "write the three-letter abbreviation \"MON\""),
        Case("0 0 * JANUARY *", .unknownName, 7, "\"JAN\""),
        Case("0 0 * * JAN", .misplacedName, 9, "day-of-week: \"JAN\" is a month name"),
        Case("0 0 * MON *", .misplacedName, 7, "month: \"MON\" is a day name"),
        Case("MON 0 * * *", .misplacedName, 1, "minute: \"MON\" is a day name"),
        Case("0 0 * * XYZ", .unknownName, 9, "is not a number or a name"),
        // S3 items and lists
        Case("*-5 * * * *", .malformed, 1, "starts a range with *"),
        Case("1-2-3 * * * *", .malformed, 4, "has an unexpected \"-\""),
        Case("-1 * * * *", .malformed, 1, "where a value was expected"),
        Case("*/ * * * *", .invalidStep, 2, "has no step number after /"),
        Case("*/0 * * * *", .invalidStep, 3, "has a step of 0"),
        Case("1,,2 * * * *", .emptyItem, 3, "has an empty list item"),
        Case("1, * * * *", .emptyItem, 3, "has an empty list item"),
        Case(",1 * * * *", .emptyItem, 1, "has an empty list item"),
        Case("0 0 * * 1-", .malformed, 9, "is a range without an end"),
        Case("0 0 * * *-MON", .malformed, 9, "starts a range with *"),
        Case("0 0 * * MON,*/", .invalidStep, 14, "has no step number"),
        // D7 reversed ranges, with what to write instead
        Case("0 0 * * FRI-MON", .reversedRange, 9, "day-of-week: \"FRI-MON\" is a reversed range at column 9; write \"FRI,SAT,SUN,MON\" or \"MON-FRI\""),
        Case("0 0 * * SAT-SUN", .reversedRange, 9, "write \"SAT,SUN\" or \"6-7\""),
        Case("0 0 * NOV-FEB *", .reversedRange, 7, "write \"NOV,DEC,JAN,FEB\""),
        Case("0 22-2 * * *", .reversedRange, 3, "write \"22-23,0-2\" or \"2-22\""),
        Case("0 0 * * 7/2", .reversedRange, 9, "a/n runs from a to 6"),
        // S4 and D9: L, dL, d#n
        Case("0 0 1-L * *", .invalidLast, 7, "uses L inside a range or step"),
        Case("0 0 L/2 * *", .invalidLast, 5, "uses L inside a range or step"),
        Case("0 0 L-3 * *", .invalidLast, 5, "uses L inside a range or step"),
        Case("0 0 5L * *", .invalidLast, 6, "write \"L\" alone"),
        Case("0 0 LW * *", .unsupported, 5, "W (nearest weekday)"),
        Case("0 0 15W * *", .unsupported, 7, "W (nearest weekday)"),
        Case("0 0 * * L", .invalidLast, 9, "is a bare L"),
        Case("L 0 * * *", .invalidLast, 1, "minute: \"L\" is not allowed"),
        Case("0 0 * L *", .invalidLast, 7, "month: \"L\" is not allowed"),
        Case("0 0 * * 5L-6", .invalidLast, 9, "dL is a whole list item"),
        Case("0 0 * * 1#0", .invalidNth, 11, "asks for occurrence 0"),
        Case("0 0 * * 1#6", .invalidNth, 11, "asks for occurrence 6"),
        Case("0 0 * * 1#", .invalidNth, 10, "needs a number 1-5 after #"),
        Case("0 0 * * 1-5#2", .invalidNth, 9, "combines a range with dL or d#n"),
        Case("0 0 * * MON#1/2", .invalidNth, 12, "needs a number 1-5 after #"),
        Case("0 0 1#1 * *", .invalidNth, 6, "d#n is allowed only in day-of-week"),
        Case("0 0 * * *#1", .malformed, 10, "d#n takes one weekday before the #"),
        Case("0 0 * * 5W", .malformed, 10, "has letters right after a number"),
        // D12 and other dialects
        Case("? * * * *", .invalidCharacter, 1, "write \"*\" for any value"),
        Case("0 0 ? * MON", .invalidCharacter, 5, "write \"*\" for any value"),
        // S6 macros
        Case("@reboot", .unknownMacro, 1, "\"@reboot\" is not a schedule macro"),
        Case("@every 5m", .unknownMacro, 1, "\"@every\" is not a schedule macro"),
        Case("@daily 0", .malformed, 8, "\"@daily\" must stand alone"),
        Case("0 0 * * @daily", .invalidCharacter, 9, "must be the whole expression"),
        // S7 / D20: no calendar date matches
        Case("0 0 30 2 *", .neverFires, 5, "would never fire"),
        Case("0 0 31 4,6,9,11 *", .neverFires, 5, "would never fire"),
        Case("0 0 30,31 FEB *", .neverFires, 5, "would never fire"),
        Case("0 0 31 2-4/2 *", .neverFires, 5, "would never fire"),
    ]

    @Test(arguments: cases)
    func isRefusedWithFieldTokenAndColumn(_ c: Case) {
        #expect(throws: CronSyntaxError.self) { try CronExpression(parsing: c.text) }
        do {
            _ = try CronExpression(parsing: c.text)
        } catch {
            #expect(error.code == c.code, "\(error.message)")
            #expect(error.column == c.column, "\(error.message)")
            #expect(error.message.contains(c.says), "\(error.message)")
            #expect(error.message.contains("column \(error.column)") || c.code == .empty, "\(error.message)")
        }
    }

    @Test func theIssueExampleReadsExactly() {
        #expect(throws: CronSyntaxError(code: .reversedRange, message: "day-of-week: \"FRI-MON\" is a reversed range at column 11; write \"FRI,SAT,SUN,MON\" or \"MON-FRI\"", column: 11)) {
            try CronExpression(parsing: "30 22 * * FRI-MON")
        }
    }

    @Test func thereAreAtLeastFortyCases() {
        #expect(Self.cases.count >= 40)
    }
}
