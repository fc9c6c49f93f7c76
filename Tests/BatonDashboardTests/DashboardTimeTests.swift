import BatonDashboard
import Foundation
import Testing

@Suite struct DashboardTimeTests {
    @Test func localTimeWithTheZonesOffset() {
        let instant = Fixtures.epoch  // 2026-03-08T04:00:00Z
        #expect(DashboardTime.local(instant, in: Fixtures.utc) == "2026-03-08 04:00:00 +00:00")
        #expect(DashboardTime.local(instant, in: Fixtures.saoPaulo) == "2026-03-08 01:00:00 -03:00")
        #expect(DashboardTime.local(instant, in: TimeZone(identifier: "Asia/Kolkata")!) == "2026-03-08 09:30:00 +05:30")
        #expect(DashboardTime.utc(instant) == "2026-03-08T04:00:00Z")
    }

    @Test func offsetsFollowDaylightSavingTime() {
        let newYork = TimeZone(identifier: "America/New_York")!
        // 2026-03-08 is the spring-forward day in New York: 06:59Z is 01:59 EST, 07:00Z is 03:00 EDT.
        #expect(DashboardTime.local(Date(timeIntervalSince1970: 1_772_953_140), in: newYork) == "2026-03-08 01:59:00 -05:00")
        #expect(DashboardTime.local(Date(timeIntervalSince1970: 1_772_953_200), in: newYork) == "2026-03-08 03:00:00 -04:00")
    }

    @Test func agreesWithFoundationAcrossCenturiesAndBeforeTheEpoch() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var generator = LinearCongruential(seed: 7)
        for _ in 0..<500 {
            // Roughly 1900 to 2100, fractional seconds included.
            let seconds = Double(Int64(generator.next() % 6_311_390_400) - 2_208_988_800) + 0.75
            let date = Date(timeIntervalSince1970: seconds)
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let expected = String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
            #expect(DashboardTime.utc(date) == expected)
        }
    }

    @Test func durationsInTwoUnitsAtMost() {
        #expect(DashboardTime.duration(0.25) == "250ms")
        #expect(DashboardTime.duration(4.25) == "4.2s" || DashboardTime.duration(4.25) == "4.3s")
        #expect(DashboardTime.duration(42) == "42s")
        #expect(DashboardTime.duration(185) == "3m 05s")
        #expect(DashboardTime.duration(3720) == "1h 02m")
        #expect(DashboardTime.duration(2 * 86_400 + 4 * 3600 + 5) == "2d 04h")
        #expect(DashboardTime.duration(-3) == "0ms")
    }
}
