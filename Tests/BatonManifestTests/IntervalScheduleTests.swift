import BatonManifest
import Foundation
import Testing

/// `every` schedules: multiples of the interval from the Unix epoch plus the offset, the
/// same in every zone and whenever Baton started.
struct IntervalScheduleTests {
    func every(_ interval: String, offset: String? = nil) throws -> Schedule {
        try Schedule(every: try ManifestDuration(parsing: interval), offset: try offset.map { try ManifestDuration(parsing: $0) })
    }

    @Test func fifteenMinutesOffsetFive() throws {
        let schedule = try every("15m", offset: "5m")
        #expect(try fires(schedule, after: "2026-03-08T06:52:10Z", count: 4) == ["2026-03-08T07:05:00Z", "2026-03-08T07:20:00Z", "2026-03-08T07:35:00Z", "2026-03-08T07:50:00Z"])
        #expect(try fires(schedule, after: "2026-03-08T07:05:00Z", count: 1) == ["2026-03-08T07:20:00Z"])
        #expect(schedule.previousFireTime(before: try instant("2026-03-08T07:05:00Z")).map(RFC3339.utcString) == "2026-03-08T06:50:00Z")
        #expect(schedule.previousFireTime(before: try instant("2026-03-08T07:05:00.001Z")).map(RFC3339.utcString) == "2026-03-08T07:05:00Z")
    }

    @Test func intervalsThatDoNotDivideADayCountFromTheEpoch() throws {
        // 1970-01-01 + k * 7m: 2026-01-01T00:00Z is minute 29,453,760 = 7 * 4,207,680, a multiple of 7.
        #expect(try fires(try every("7m"), after: "2026-01-01T00:00:00Z", count: 2) == ["2026-01-01T00:07:00Z", "2026-01-01T00:14:00Z"])
        // Weekly from the epoch is every Thursday 00:00 UTC; four days later is every Monday.
        #expect(try fires(try every("7d"), after: "2026-06-01T00:00:00Z", count: 1) == ["2026-06-04T00:00:00Z"])
        #expect(try fires(try every("7d", offset: "4d"), after: "2026-06-01T00:00:00Z", count: 2) == ["2026-06-08T00:00:00Z", "2026-06-15T00:00:00Z"])
    }

    @Test func subSecondPartsAreKept() throws {
        let schedule = try every("1s500ms")
        let times = Array(schedule.fireTimes(after: try instant("2026-01-01T00:00:00Z")).prefix(3)).map(RFC3339.utcString)
        #expect(times == ["2026-01-01T00:00:01.500Z", "2026-01-01T00:00:03Z", "2026-01-01T00:00:04.500Z"])
    }

    @Test func sequencesNeverRepeatAFireTime() throws {
        let schedule = try every("1s250ms", offset: "125ms")
        let times = Array(schedule.fireTimes(after: try instant("2026-01-01T00:00:00Z")).prefix(200))
        #expect(zip(times, times.dropFirst()).allSatisfy { abs($1.timeIntervalSince($0) - 1.25) < 1e-6 })
    }

    @Test(arguments: [
        ("999ms", nil, ScheduleError.Code.intervalTooShort),
        ("250ms", nil, .intervalTooShort),
        ("1d1ms", nil, .intervalNotWholeSeconds),
        ("15m", "15m", .offsetTooLarge),
        ("15m", "1h", .offsetTooLarge),
        ("1h", "1s500ms", .offsetTooPrecise),
    ] as [(String, String?, ScheduleError.Code)])
    func refusesIntervalsThatAreNotSchedules(interval: String, offset: String?, code: ScheduleError.Code) throws {
        #expect { try every(interval, offset: offset) } throws: { ($0 as? ScheduleError)?.code == code }
    }

    @Test func acceptsTheBoundaries() throws {
        _ = try every("1s")
        _ = try every("1d")
        _ = try every("1s500ms", offset: "1s499ms")
        _ = try every("1h", offset: "59m59s")
    }
}
