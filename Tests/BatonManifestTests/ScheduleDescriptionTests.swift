import BatonManifest
import Foundation
import Testing

/// The sentences `plan` and `status` show; reviewers read them to catch a schedule that
/// means something else than its author thought.
struct ScheduleDescriptionTests {
    @Test(arguments: [
        ("30 2 * * *", "at 02:30 every day"),
        ("0 0 * * 5L", "at 00:00 on the last Friday of the month"),
        ("0 9 * * MON#1", "at 09:00 on the first Monday of the month"),
        ("0 9 * * 1-5", "at 09:00 on Monday through Friday"),
        ("0 9 * * SAT,SUN", "at 09:00 on Sunday and Saturday"),
        ("0 9,12,17 * * *", "at 09:00, 12:00 and 17:00 every day"),
        ("* * * * *", "every minute"),
        ("*/5 * * * *", "every 5 minutes"),
        ("5 * * * *", "at minute 5 of every hour"),
        ("*/15 9-17 * * *", "every 15 minutes from 09:00 through 17:59"),
        ("0 0 L * *", "at 00:00 on the last day of the month"),
        ("0 0 1,15 * *", "at 00:00 on days 1 and 15 of the month"),
        ("0 0 1 * MON#1", "at 00:00 on day 1 of the month or on the first Monday of the month"),
        ("0 0 */2 * MON", "at 00:00 on days 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29 and 31 of the month if it is also Monday"),
        ("0 0 1 * 0-6", "at 00:00 every day"),
        ("0 0 1 1 *", "at 00:00 on day 1 of the month in January"),
        ("0 0 * 3-5 *", "at 00:00 every day in March through May"),
        ("*/10 * * 1 *", "every 10 minutes in January"),
        ("0 */2 * * *", "at minute 0 of every 2nd hour"),
        ("@hourly", "at minute 0 of every hour"),
    ])
    func describesCron(text: String, sentence: String) throws {
        #expect(try cronSchedule(text).description(in: TimeZone(identifier: "GMT")) == sentence)
    }

    @Test func namesTheZoneUnlessTheReaderIsInIt() throws {
        let schedule = try cronSchedule("30 2 * * *", "America/New_York")
        #expect(schedule.description(in: nil) == "at 02:30 every day in America/New_York")
        #expect(schedule.description(in: TimeZone(identifier: "America/New_York")) == "at 02:30 every day")
        #expect(try cronSchedule("0 0 * * *").description(in: nil) == "at 00:00 every day in UTC")
    }

    @Test(arguments: [
        ("15m", "5m", "every 15 minutes, starting at minute 5"),
        ("15m", nil, "every 15 minutes"),
        ("1h", nil, "every hour"),
        ("6h", "2h", "every 6 hours, starting at 02:00 UTC"),
        ("1d", "2h30m", "every day at 02:30 UTC"),
        ("1d", nil, "every day at 00:00 UTC"),
        ("7m", nil, "every 7 minutes, counted from 1970-01-01 00:00 UTC"),
        ("7d", "4d", "every 7 days, offset 4d from 1970-01-01 00:00 UTC"),
        ("90s", nil, "every 90 seconds"),
        ("1m", "30s", "every minute, starting at 00:30 past the hour"),
    ] as [(String, String?, String)])
    func describesEvery(interval: String, offset: String?, sentence: String) throws {
        let schedule = try Schedule(every: try ManifestDuration(parsing: interval), offset: try offset.map { try ManifestDuration(parsing: $0) })
        #expect(schedule.description(in: nil) == sentence)
    }
}
