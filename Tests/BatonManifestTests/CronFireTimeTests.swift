import BatonManifest
import Foundation
import Testing

// Shared by the schedule tests in this target: build a schedule from text and list its fire
// times as the strings `baton schedule next --json` prints, so expectations read like output.

func cronSchedule(_ expression: String, _ zone: String = "UTC") throws -> Schedule {
    .cron(try CronExpression(parsing: expression), timeZone: try #require(TimeZones.named( zone)))
}

func instant(_ text: String) throws -> Date {
    try #require(RFC3339.instant(from: text), "not an instant: \(text)")
}

func fires(_ schedule: Schedule, after: String, count: Int) throws -> [String] {
    Array(schedule.fireTimes(after: try instant(after)).prefix(count)).map(RFC3339.utcString)
}

func fires(_ expression: String, in zone: String = "UTC", after: String, count: Int) throws -> [String] {
    try fires(try cronSchedule(expression, zone), after: after, count: count)
}

/// S8-S9 on real zone changes. Every expected instant was worked out by hand from the zone's
/// published rules; the comment on each row gives the wall times.
struct CronFireTimeTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var expression: String
        var zone: String
        var after: String
        var expected: [String]
        var why: String
        var testDescription: String { "\(expression) in \(zone) after \(after): \(why)" }
    }

    static let daylightSaving: [Case] = [
        // America/New_York: 2026-03-08 02:00 EST -> 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT -> 01:00 EST (06:00Z).
        Case(expression: "30 2 * * *", zone: "America/New_York", after: "2026-03-06T12:00:00Z",
             expected: ["2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"],
             why: "fixed time in the gap fires at 03:00 EDT, the end of the gap"),
        Case(expression: "0 2,3 * * *", zone: "America/New_York", after: "2026-03-07T12:00:00Z",
             expected: ["2026-03-08T07:00:00Z", "2026-03-09T06:00:00Z", "2026-03-09T07:00:00Z"],
             why: "D15: the gap fire and the 03:00 fire are the same instant, reported once"),
        Case(expression: "*/30 2 * * *", zone: "America/New_York", after: "2026-03-07T12:00:00Z",
             expected: ["2026-03-09T06:00:00Z", "2026-03-09T06:30:00Z"],
             why: "a wildcard job's times in the gap never fire"),
        Case(expression: "0 * * * *", zone: "America/New_York", after: "2026-03-08T05:30:00Z",
             expected: ["2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"],
             why: "hourly runs 01:00 EST, 03:00 EDT, 04:00 EDT"),
        Case(expression: "0 0-23 * * *", zone: "America/New_York", after: "2026-03-08T05:30:00Z",
             expected: ["2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"],
             why: "D14: fixed-time; 02:00 collapses into 03:00 EDT"),
        Case(expression: "0-59 2 * * *", zone: "America/New_York", after: "2026-03-08T06:00:00Z",
             expected: ["2026-03-08T07:00:00Z", "2026-03-09T06:00:00Z", "2026-03-09T06:01:00Z"],
             why: "D14: sixty skipped minutes collapse into one fire at the end of the gap"),
        Case(expression: "30 1 * * *", zone: "America/New_York", after: "2026-10-31T12:00:00Z",
             expected: ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"],
             why: "fixed time in the overlap fires at 01:30 EDT only"),
        Case(expression: "30 1 * * *", zone: "America/New_York", after: "2026-11-01T05:45:00Z",
             expected: ["2026-11-02T06:30:00Z"],
             why: "D16: after the first 01:30, the second 01:30 EST is still not reported"),
        Case(expression: "*/30 1 * * *", zone: "America/New_York", after: "2026-11-01T04:59:00Z",
             expected: ["2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z", "2026-11-02T06:00:00Z"],
             why: "a wildcard job fires at both occurrences of 01:00 and 01:30"),
        Case(expression: "0 * * * *", zone: "America/New_York", after: "2026-11-01T04:30:00Z",
             expected: ["2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z"],
             why: "hourly runs 01:00 EDT, 01:00 EST, 02:00 EST"),
        Case(expression: "0 0-23 * * *", zone: "America/New_York", after: "2026-11-01T04:30:00Z",
             expected: ["2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z"],
             why: "D14: fixed-time, so the second 01:00 is skipped"),
        // Europe/London: 2026-03-29 01:00 GMT -> 02:00 BST (01:00Z); 2026-10-25 02:00 BST -> 01:00 GMT (01:00Z).
        Case(expression: "30 1 * * *", zone: "Europe/London", after: "2026-03-28T12:00:00Z",
             expected: ["2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"],
             why: "01:30 is skipped; fires at 02:00 BST"),
        Case(expression: "30 1 * * *", zone: "Europe/London", after: "2026-10-24T12:00:00Z",
             expected: ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"],
             why: "01:30 BST, not 01:30 GMT"),
        // Europe/Berlin: 2026-03-29 02:00 CET -> 03:00 CEST (01:00Z); 2026-10-25 03:00 CEST -> 02:00 CET (01:00Z).
        Case(expression: "30 2 * * *", zone: "Europe/Berlin", after: "2026-03-28T12:00:00Z",
             expected: ["2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"],
             why: "02:30 is skipped; fires at 03:00 CEST"),
        Case(expression: "30 2 * * *", zone: "Europe/Berlin", after: "2026-10-24T12:00:00Z",
             expected: ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"],
             why: "02:30 CEST only"),
        Case(expression: "15 * * * *", zone: "Europe/Berlin", after: "2026-10-25T00:00:00Z",
             expected: ["2026-10-25T00:15:00Z", "2026-10-25T01:15:00Z", "2026-10-25T02:15:00Z"],
             why: "wildcard: 02:15 CEST, 02:15 CET, 03:15 CET"),
        // Australia/Sydney: 2026-04-05 03:00 AEDT -> 02:00 AEST (04-04 16:00Z); 2026-10-04 02:00 AEST -> 03:00 AEDT (10-03 16:00Z).
        Case(expression: "30 2 * * *", zone: "Australia/Sydney", after: "2026-04-04T00:00:00Z",
             expected: ["2026-04-04T15:30:00Z", "2026-04-05T16:30:00Z"],
             why: "02:30 AEDT on 5 April, then 02:30 AEST"),
        Case(expression: "30 2 * * *", zone: "Australia/Sydney", after: "2026-10-03T00:00:00Z",
             expected: ["2026-10-03T16:00:00Z", "2026-10-04T15:30:00Z"],
             why: "02:30 is skipped on 4 October; fires at 03:00 AEDT"),
        // Australia/Lord_Howe, a 30-minute shift: 2026-04-05 02:00 (+11) -> 01:30 (+10:30) at 04-04 15:00Z;
        // 2026-10-04 02:00 (+10:30) -> 02:30 (+11) at 10-03 15:30Z.
        Case(expression: "45 1 * * *", zone: "Australia/Lord_Howe", after: "2026-04-04T00:00:00Z",
             expected: ["2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"],
             why: "01:45 +11 only; the second 01:45 (+10:30) is skipped"),
        Case(expression: "*/15 1 * * *", zone: "Australia/Lord_Howe", after: "2026-04-04T14:00:00Z",
             expected: ["2026-04-04T14:15:00Z", "2026-04-04T14:30:00Z", "2026-04-04T14:45:00Z",
                        "2026-04-04T15:00:00Z", "2026-04-04T15:15:00Z", "2026-04-05T14:30:00Z"],
             why: "wildcard: 01:30 and 01:45 occur twice, 01:00 and 01:15 once"),
        Case(expression: "15 2 * * *", zone: "Australia/Lord_Howe", after: "2026-10-03T00:00:00Z",
             expected: ["2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"],
             why: "02:15 is in the half-hour gap; fires at 02:30 +11"),
        Case(expression: "45 2 * * *", zone: "Australia/Lord_Howe", after: "2026-10-03T00:00:00Z",
             expected: ["2026-10-03T15:45:00Z"],
             why: "02:45 is after the gap and fires normally"),
        Case(expression: "*/15 2 * * *", zone: "Australia/Lord_Howe", after: "2026-10-03T15:00:00Z",
             expected: ["2026-10-03T15:30:00Z", "2026-10-03T15:45:00Z", "2026-10-04T15:00:00Z"],
             why: "wildcard: 02:00 and 02:15 never occur"),
        // Zones without daylight saving.
        Case(expression: "30 2 * * *", zone: "Asia/Kolkata", after: "2026-03-07T00:00:00Z",
             expected: ["2026-03-07T21:00:00Z", "2026-03-08T21:00:00Z"],
             why: "+05:30 all year"),
        Case(expression: "0 0 * * *", zone: "America/Sao_Paulo", after: "2026-10-31T12:00:00Z",
             expected: ["2026-11-01T03:00:00Z", "2026-11-02T03:00:00Z"],
             why: "-03:00 all year since 2019"),
        Case(expression: "0 0 * * *", zone: "America/Sao_Paulo", after: "2018-11-03T12:00:00Z",
             expected: ["2018-11-04T03:00:00Z", "2018-11-05T02:00:00Z"],
             why: "before 2019 midnight was skipped on 4 Nov 2018: fires at 01:00 -02:00"),
        // S9: every offset change, not only daylight saving.
        Case(expression: "30 1 * * *", zone: "Europe/Volgograd", after: "2020-12-26T12:00:00Z",
             expected: ["2020-12-26T21:30:00Z", "2020-12-27T22:30:00Z"],
             why: "+04 -> +03 on 27 Dec 2020 repeats 01:00-02:00; fixed time fires once"),
        Case(expression: "30 * * * *", zone: "Europe/Volgograd", after: "2020-12-26T21:00:00Z",
             expected: ["2020-12-26T21:30:00Z", "2020-12-26T22:30:00Z", "2020-12-26T23:30:00Z"],
             why: "a wildcard job fires at both 01:30s"),
        // D17: Samoa skipped all of Friday 30 Dec 2011 (-10 -> +14 at 10:00Z).
        Case(expression: "0 12 30 12 *", zone: "Pacific/Apia", after: "2011-12-29T00:00:00Z",
             expected: ["2011-12-30T10:00:00Z", "2012-12-29T22:00:00Z"],
             why: "30 Dec 12:00 never happened; it fires at the end of the gap"),
        Case(expression: "0 12 * * FRI", zone: "Pacific/Apia", after: "2011-12-29T00:00:00Z",
             expected: ["2011-12-30T10:00:00Z", "2012-01-05T22:00:00Z"],
             why: "the skipped Friday is matched on its own date"),
        Case(expression: "0 12 * * THU", zone: "Pacific/Apia", after: "2011-12-29T00:00:00Z",
             expected: ["2011-12-29T22:00:00Z", "2012-01-04T22:00:00Z"],
             why: "Thursday 29 Dec still happened at -10:00"),
    ]

    @Test(arguments: daylightSaving)
    func firesAtTheExpectedInstants(_ c: Case) throws {
        #expect(try fires(c.expression, in: c.zone, after: c.after, count: c.expected.count) == c.expected)
    }

    /// `previousFireTime` walks the same rules backwards: from just after each expected fire,
    /// it must find that fire again.
    @Test(arguments: daylightSaving)
    func previousFindsTheSameInstants(_ c: Case) throws {
        let schedule = try cronSchedule(c.expression, c.zone)
        for expected in c.expected {
            let fire = try instant(expected)
            let found = schedule.previousFireTime(before: fire.addingTimeInterval(30))
            #expect(found.map(RFC3339.utcString) == expected)
        }
    }

    @Test func candidatesAreWholeMinutesStrictlyAfter() throws {
        // S10: after 10:17:00, 10:17:30 and 10:17:59.999 the first candidate is 10:18.
        for after in ["2026-05-01T10:17:00Z", "2026-05-01T10:17:30Z", "2026-05-01T10:17:59.999Z", "2026-05-01T12:17:59.999+02:00"] {
            #expect(try fires("* * * * *", after: after, count: 1) == ["2026-05-01T10:18:00Z"])
        }
        #expect(try fires("17 10 * * *", after: "2026-05-01T10:16:59.5Z", count: 1) == ["2026-05-01T10:17:00Z"])
    }

    @Test func previousIsStrictlyBefore() throws {
        let every = try cronSchedule("* * * * *")
        #expect(every.previousFireTime(before: try instant("2026-05-01T10:17:00Z")).map(RFC3339.utcString) == "2026-05-01T10:16:00Z")
        #expect(every.previousFireTime(before: try instant("2026-05-01T10:17:00.5Z")).map(RFC3339.utcString) == "2026-05-01T10:17:00Z")
    }

    @Test func localMeanTimeOffsetsWithSecondsStillFireOnWholeUTCMinutes() throws {
        // New York kept local mean time, -4:56:02, until 18 November 1883: 12:00 LMT is
        // 16:56:02Z, and the first whole UTC minute showing 12:00 on the wall is 16:57Z.
        #expect(try fires("0 12 * * *", in: "America/New_York", after: "1880-01-01T00:00:00Z", count: 1) == ["1880-01-01T16:57:00Z"])
        let schedule = try cronSchedule("0 12 * * *", "America/New_York")
        #expect(schedule.previousFireTime(before: try instant("1880-01-02T00:00:00Z")).map(RFC3339.utcString) == "1880-01-01T16:57:00Z")
    }

    @Test func rareExpressionsJumpAcrossYears() throws {
        #expect(try fires("0 0 29 2 *", after: "2026-01-01T00:00:00Z", count: 3) == ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z"])
        #expect(try fires("0 0 29 2 *", after: "2096-03-01T00:00:00Z", count: 2) == ["2104-02-29T00:00:00Z", "2108-02-29T00:00:00Z"])
        #expect(try fires("0 0 L 2 *", in: "America/New_York", after: "2027-01-01T00:00:00Z", count: 2) == ["2027-02-28T05:00:00Z", "2028-02-29T05:00:00Z"])
        // Far past the tz table: the 400-year rule cycle still gives New York's offsets.
        #expect(try fires("0 12 4 7 *", in: "America/New_York", after: "2600-01-01T00:00:00Z", count: 1) == ["2600-07-04T16:00:00Z"])
        #expect(try fires("0 12 4 12 *", in: "America/New_York", after: "2600-01-01T00:00:00Z", count: 1) == ["2600-12-04T17:00:00Z"])
    }
}
