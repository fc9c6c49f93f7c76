import Foundation
import Testing

/// `baton schedule` as users and scripts meet it: the built binary, its exact standard
/// output, and its exit status (0 success, 1 invalid value, 2 usage error).
struct ScheduleCommandTests {
    func run(_ arguments: String...) throws -> BatonBinary.Result {
        try BatonBinary.run(arguments)
    }

    @Test func jsonIsExactlyTheArrayOfUTCInstants() throws {
        let result = try run("schedule", "next", "--cron", "30 2 * * *", "--timezone", "America/New_York",
                             "--after", "2026-03-07T00:00:00Z", "--count", "3", "--json")
        #expect(result.status == 0)
        #expect(result.stdout == "[\"2026-03-07T07:30:00Z\",\"2026-03-08T07:00:00Z\",\"2026-03-09T06:30:00Z\"]\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func acceptsAnyOffsetAndFractionInAfter() throws {
        let result = try run("schedule", "next", "--cron", "* * * * *", "--after", "2026-05-01T15:47:59.999+05:30", "--count", "1", "--json")
        #expect(result.status == 0)
        #expect(result.stdout == "[\"2026-05-01T10:18:00Z\"]\n")
    }

    @Test func everyCountsFromTheEpochPlusOffset() throws {
        let result = try run("schedule", "next", "--every", "15m", "--offset", "5m", "--timezone", "Asia/Kolkata",
                             "--after", "2026-01-01T00:00:00Z", "--count", "4", "--json")
        #expect(result.status == 0)
        #expect(result.stdout == "[\"2026-01-01T00:05:00Z\",\"2026-01-01T00:20:00Z\",\"2026-01-01T00:35:00Z\",\"2026-01-01T00:50:00Z\"]\n")
    }

    @Test func textOutputShowsTheDescriptionThenUTCAndLocalTimes() throws {
        let result = try run("schedule", "next", "--cron", "30 2 * * *", "--timezone", "America/New_York",
                             "--after", "2026-03-07T00:00:00Z", "--count", "2")
        #expect(result.status == 0)
        #expect(result.stdout == """
            at 02:30 every day in America/New_York
            2026-03-07T07:30:00Z  2026-03-07T02:30:00-05:00
            2026-03-08T07:00:00Z  2026-03-08T03:00:00-04:00

            """)
    }

    @Test func describePrintsTheSentence() throws {
        let cron = try run("schedule", "describe", "--cron", "0 0 * * 5L", "--timezone", "Europe/Berlin")
        #expect(cron.status == 0)
        #expect(cron.stdout == "at 00:00 on the last Friday of the month in Europe/Berlin\n")
        let every = try run("schedule", "describe", "--every", "15m", "--offset", "5m")
        #expect(every.stdout == "every 15 minutes, starting at minute 5\n")
    }

    @Test(arguments: [
        (["--cron", "30 22 * * FRI-MON"], "day-of-week: \"FRI-MON\" is a reversed range at column 11"),
        (["--cron", "0 0 30 2 *"], "never fire"),
        (["--cron", "@reboot"], "\"@reboot\" is not a schedule macro"),
        (["--cron", "0 0 * * *", "--timezone", "Mars/Olympus"], "--timezone \"Mars/Olympus\""),
        (["--cron", "0 0 * * *", "--timezone", ""], "--timezone \"\""),
        (["--cron", "0 0 * * *", "--timezone", "america/new_york"], "--timezone"),
        (["--cron", "0 0 * * *", "--after", "2026-03-08T06:00Z"], "--after \"2026-03-08T06:00Z\""),
        (["--cron", "0 0 * * *", "--after", "2026-02-30T00:00:00Z"], "--after"),
        (["--cron", "0 0 * * *", "--after", "yesterday"], "--after"),
        (["--every", "500ms"], "shorter than 1s"),
        (["--every", "1d500ms"], "whole seconds"),
        (["--every", "15m", "--offset", "15m"], "offset"),
        (["--every", "fortnightly"], "--every"),
        (["--cron", "-1 * * * *"], "minute: \"-1\""),
    ])
    func invalidValuesExitOneWithAMessage(arguments: [String], message: String) throws {
        let result = try BatonBinary.run(["schedule", "next", "--json"] + arguments)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    }

    @Test(arguments: [
        ["--cron", "0 0 * * *", "--count", "0"],
        ["--cron", "0 0 * * *", "--count", "1001"],
        ["--cron", "0 0 * * *", "--count", "many"],
        ["--cron", "0 0 * * *", "--count", "-1"],
        [],
        ["--cron", "0 0 * * *", "--every", "5m"],
        ["--cron", "0 0 * * *", "--offset", "5m"],
    ])
    func usageErrorsExitTwo(arguments: [String]) throws {
        let result = try BatonBinary.run(["schedule", "next", "--json"] + arguments)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(!result.stderr.isEmpty)
    }

    @Test func countOfAThousandIsAllowed() throws {
        let result = try run("schedule", "next", "--cron", "*/5 * * * *", "--after", "2026-01-01T00:00:00Z", "--count", "1000", "--json")
        #expect(result.status == 0)
        let instants = try JSONDecoder().decode([String].self, from: Data(result.stdout.utf8))
        #expect(instants.count == 1000)
        #expect(instants.last == "2026-01-04T11:20:00Z")
    }
}
