import BatonManifest
import Foundation
import Testing

/// `--after` and the JSON output (S10, D18, D19): strict RFC 3339 in, exact UTC text out.
struct ScheduleInstantTests {
    @Test(arguments: [
        ("2026-03-08T07:00:00Z", 1_772_953_200.0),
        ("2026-03-08t07:00:00z", 1_772_953_200.0),
        ("2026-03-08T02:00:00-05:00", 1_772_953_200.0),
        ("2026-03-08T12:30:00+05:30", 1_772_953_200.0),
        ("2026-03-08T07:00:00.25Z", 1_772_953_200.25),
        ("2026-03-08T07:00:00-00:00", 1_772_953_200.0),
        ("2028-02-29T00:00:00Z", 1_835_395_200.0),
    ])
    func readsRFC3339(text: String, seconds: Double) {
        #expect(RFC3339.instant(from: text)?.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: [
        "", "2026-03-08", "2026-03-08T07:00Z", "2026-03-08T07:00:00", "2026-03-08 07:00:00Z",
        "2026-3-08T07:00:00Z", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
        "2026-03-08T24:00:00Z", "2026-03-08T07:60:00Z", "2026-03-08T07:00:00.Z", "2026-03-08T07:00:00+0500",
        "2026-03-08T07:00:00+05", "2026-03-08T07:00:00Z ", "now", "1772953200",
    ])
    func refusesAnythingElse(text: String) {
        #expect(RFC3339.instant(from: text) == nil)
    }

    @Test func writesExactlyYYYYMMDDTHHMMSSZ() {
        #expect(RFC3339.utcString(Date(timeIntervalSince1970: 1_772_953_200)) == "2026-03-08T07:00:00Z")
        #expect(RFC3339.utcString(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(RFC3339.localString(Date(timeIntervalSince1970: 1_772_953_200), offsetSeconds: -4 * 3600) == "2026-03-08T03:00:00-04:00")
    }

    @Test(arguments: [("UTC", true), ("America/New_York", true), ("Etc/UTC", true), ("Mars/Olympus", false),
                      ("", false), ("america/new_york", false), ("GMT+5", false)])
    func zoneNamesAreExact(name: String, known: Bool) {
        #expect((TimeZones.named( name) != nil) == known)
    }
}
