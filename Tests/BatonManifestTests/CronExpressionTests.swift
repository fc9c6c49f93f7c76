import BatonManifest
import Testing

/// What valid expressions mean (S1-S6, S8, D1-D14), shown by their first fire times in UTC
/// from Monday 1 June 2026. June 2026: Mondays 1, 8, 15, 22, 29; Fridays 5, 12, 19, 26;
/// Sundays 7, 14, 21, 28. July 1 is a Wednesday; August 1 a Saturday.
struct CronExpressionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var text: String
        var expected: [String]
        var rule: String
        var testDescription: String { "\(rule): \(text)" }
        init(_ rule: String, _ text: String, _ expected: [String]) {
            (self.rule, self.text, self.expected) = (rule, text, expected)
        }
    }

    static let start = "2026-05-31T23:59:00Z"

    /// Dates at midnight UTC, the common case below.
    static func midnights(_ days: String...) -> [String] { days.map { "2026-\($0)T00:00:00Z" } }

    static let cases: [Case] = [
        Case("S1/D1 spaces and tabs", "  0\t \t2 * * *  ", ["2026-06-01T02:00:00Z", "2026-06-02T02:00:00Z"]),
        Case("D4 leading zeros", "05 002 * * *", ["2026-06-01T02:05:00Z"]),
        Case("S2 month names, any case", "0 0 1 jan,Jul *", midnights("07-01") + ["2027-01-01T00:00:00Z"]),
        Case("D3 names and numbers mix", "0 0 * * MON-5", midnights("06-01", "06-02", "06-03", "06-04", "06-05", "06-08")),
        Case("D3 month range", "0 0 1 MAR-5 *", ["2027-03-01T00:00:00Z", "2027-04-01T00:00:00Z", "2027-05-01T00:00:00Z"]),
        Case("S2 0 and 7 are Sunday", "0 0 * * 7", midnights("06-07", "06-14")),
        Case("S2 0 is Sunday", "0 0 * * sun", midnights("06-07", "06-14")),
        Case("S3 star step", "*/20 0 * * *", ["2026-06-01T00:00:00Z", "2026-06-01T00:20:00Z", "2026-06-01T00:40:00Z", "2026-06-02T00:00:00Z"]),
        Case("S3 range step", "10-30/10 0 * * *", ["2026-06-01T00:10:00Z", "2026-06-01T00:20:00Z", "2026-06-01T00:30:00Z"]),
        Case("S3 a/n runs to 59", "50/4 0 * * *", ["2026-06-01T00:50:00Z", "2026-06-01T00:54:00Z", "2026-06-01T00:58:00Z", "2026-06-02T00:50:00Z"]),
        Case("D6 step beyond the span", "*/90 * * * *", ["2026-06-01T00:00:00Z", "2026-06-01T01:00:00Z"]),
        Case("D6 hour step 24", "0 */24 * * *", midnights("06-01", "06-02")),
        Case("D5 1/2 is Mon, Wed, Fri", "0 0 * * 1/2", midnights("06-01", "06-03", "06-05", "06-08")),
        Case("D5 2/2 is Tue, Thu, Sat", "0 0 * * 2/2", midnights("06-02", "06-04", "06-06", "06-09")),
        Case("S3 5-7 is Fri, Sat, Sun", "0 0 * * 5-7", midnights("06-05", "06-06", "06-07", "06-12")),
        Case("S3 1-7/3 is Mon, Thu, Sun", "0 0 * * 1-7/3", midnights("06-01", "06-04", "06-07", "06-08")),
        Case("D8 a-a is a", "0 0 * * 3-3", midnights("06-03", "06-10")),
        Case("S4 L", "0 0 L * *", midnights("06-30", "07-31", "08-31")),
        Case("S4 L in a list", "0 0 1,15,l * *", midnights("06-01", "06-15", "06-30", "07-01")),
        Case("S4 5L", "0 0 * * 5L", midnights("06-26", "07-31", "08-28")),
        Case("D10 FRIL", "0 0 * * fril", midnights("06-26", "07-31", "08-28")),
        Case("S4 0L is 7L", "0 0 * * 0L", midnights("06-28", "07-26", "08-30")),
        Case("S4 7L", "0 0 * * 7L", midnights("06-28", "07-26", "08-30")),
        Case("S4 MON#1", "0 0 * * MON#1", midnights("06-01", "07-06", "08-03")),
        Case("S4 fifth Sunday, which most months lack", "0 0 * * 0#5", midnights("08-30", "11-29")),
        Case("D11 MON#1,FRI#3", "0 0 * * MON#1,FRI#3", midnights("06-01", "06-19", "07-06", "07-17")),
        Case("D11 1#1,3", "0 0 * * 1#1,3", midnights("06-01", "06-03", "06-10", "06-17")),
        Case("D11 5L,SAT", "0 0 * * 5L,SAT", midnights("06-06", "06-13", "06-20", "06-26", "06-27")),
        Case("S5 */2 is unrestricted: odd days that are Mondays", "0 0 */2 * MON", midnights("06-01", "06-15", "06-29", "07-13")),
        Case("S5 both restricted: either", "0 0 13 * FRI", midnights("06-05", "06-12", "06-13", "06-19")),
        Case("D13 1-31 is restricted", "0 0 1-31 * MON", midnights("06-01", "06-02", "06-03")),
        Case("D13 0-6 is restricted", "0 0 1 * 0-6", midnights("06-01", "06-02", "06-03")),
        Case("D13 MON,* is restricted", "0 0 15 * MON,*", midnights("06-01", "06-02", "06-03")),
        Case("D13 *,MON is unrestricted", "0 0 15 * *,MON", midnights("06-15", "07-15")),
        Case("S5 1st or first Monday", "0 0 1 * MON#1", midnights("06-01", "07-01", "07-06", "08-01", "08-03")),
        Case("S5 last day or last Friday", "0 0 L * 5L", midnights("06-26", "06-30", "07-31", "08-28", "08-31")),
        Case("S5 the month always applies", "0 0 1 6 MON", midnights("06-01", "06-08", "06-15", "06-22", "06-29") + ["2027-06-01T00:00:00Z"]),
        Case("S6 @yearly", "@yearly", ["2027-01-01T00:00:00Z"]),
        Case("S6 @annually", "@ANNUALLY", ["2027-01-01T00:00:00Z"]),
        Case("S6 @monthly", "@monthly", midnights("06-01", "07-01")),
        Case("S6 @weekly", "@weekly", midnights("06-07", "06-14")),
        Case("S6/D1 @daily with blanks", " \t@Daily ", midnights("06-01", "06-02")),
        Case("S6 @midnight", "@midnight", midnights("06-01", "06-02")),
        Case("S6 @hourly", "@hourly", ["2026-06-01T00:00:00Z", "2026-06-01T01:00:00Z"]),
    ]

    @Test(arguments: cases)
    func firesOnTheDatesTheRulesGive(_ c: Case) throws {
        #expect(try fires(c.text, after: Self.start, count: c.expected.count) == c.expected)
    }

    @Test(arguments: [
        ("30 2 * * *", true), ("0-59 2 * * *", true), ("0 0-23 * * *", true), ("0,30 */2 * * *", false),
        ("*/5 2 * * *", false), ("0 * * * *", false), ("@hourly", false), ("@daily", true),
        ("@midnight", true), ("@weekly", true), ("@monthly", true), ("@yearly", true), ("@annually", true),
        ("0 0 * * *", true), ("0 0 */2 * *", true),
    ])
    func fixedTimeIsJudgedOnMinuteAndHourText(text: String, fixed: Bool) throws {
        #expect(try CronExpression(parsing: text).isFixedTime == fixed)
    }

    @Test func keepsTheTextAsWritten() throws {
        #expect(try CronExpression(parsing: "@daily").text == "@daily")
        #expect(try CronExpression(parsing: " 0  2 * * * ").text == " 0  2 * * * ")
    }
}
