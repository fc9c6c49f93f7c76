import BatonManifest
import BatonTestSupport
import Foundation
import Testing

/// `RFC3339.utcString` and `localString` write their digits by hand (the API writes thousands
/// of instants per answer); they must write exactly what the `String(format:)` form they
/// replaced wrote, and read back as the same instant.
@Suite struct RFC3339WriterTests {
    /// The former writer, kept here as the reference.
    static func reference(_ instant: Date, offset: Int?) -> String {
        let millis = Int64((instant.timeIntervalSince1970 * 1000).rounded())
        let local = millis + Int64(offset ?? 0) * 1000
        let seconds = Int64((Double(local) / 1000).rounded(.down))
        let fraction = local - seconds * 1000
        let days = Int64((Double(seconds) / 86_400).rounded(.down))
        let secondOfDay = Int(seconds - days * 86_400)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(days * 86_400)))
        var text = String(format: "%04lld-%02d-%02dT%02d:%02d:%02d", Int64(parts.year!), parts.month!, parts.day!,
                          secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
        if fraction != 0 { text += String(format: ".%03lld", fraction) }
        guard let offset else { return text + "Z" }
        let magnitude = abs(offset)
        return text + (offset < 0 ? "-" : "+") + String(format: "%02d:%02d", magnitude / 3600, magnitude / 60 % 60)
    }

    @Test func writesWhatTheFormatterWroteAcrossYearsFractionsAndOffsets() {
        let seed = UInt64(ProcessInfo.processInfo.environment["BATON_TEST_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64.max)
        print("RFC3339WriterTests seed: \(seed) (set BATON_TEST_SEED to repeat)")
        var generator = SplitMix64(seed: seed)
        // 1600-01-01 to 9999-12-31: Foundation's calendar is proleptic Gregorian from 1583.
        let edges: [TimeInterval] = [0, 0.25, -0.001, 951_782_400, 1_772_951_400, 253_402_300_799.999]
        let random = (0..<3_000).map { _ in Double(Int64.random(in: -11_676_096_000_000...253_402_300_799_999, using: &generator)) / 1000 }
        let offsets = [-43_200, -34_200, -14_400, 0, 3_600, 19_800, 20_700, 50_400]
        for interval in edges + random {
            let instant = Date(timeIntervalSince1970: interval)
            #expect(RFC3339.utcString(instant) == Self.reference(instant, offset: nil), "\(interval)")
            let offset = offsets[Int.random(in: 0..<offsets.count, using: &generator)]
            let local = RFC3339.localString(instant, offsetSeconds: offset)
            #expect(local == Self.reference(instant, offset: offset), "\(interval) at \(offset)")
            // The reader takes four-digit years; the last instant of 9999 is in 10000 east of UTC.
            guard local.dropFirst(4).first == "-" else { continue }
            let back = RFC3339.instant(from: local)
            #expect(back.map { abs($0.timeIntervalSince1970 - (interval * 1000).rounded() / 1000) < 0.000_5 } == true, "\(local)")
        }
    }

    @Test func examples() {
        #expect(RFC3339.utcString(Date(timeIntervalSince1970: 1_772_951_400)) == "2026-03-08T06:30:00Z")
        #expect(RFC3339.utcString(Date(timeIntervalSince1970: 1_772_951_400.25)) == "2026-03-08T06:30:00.250Z")
        #expect(RFC3339.localString(Date(timeIntervalSince1970: 1_772_951_400), offsetSeconds: -14_400) == "2026-03-08T02:30:00-04:00")
        #expect(RFC3339.localString(Date(timeIntervalSince1970: 0), offsetSeconds: 20_700) == "1970-01-01T05:45:00+05:45")
    }
}
