import Foundation

/// Fire times of `every: D, offset: O`: the instants epoch + O + k·D.
///
/// Counting from the Unix epoch rather than from when Baton started makes the slots the same
/// on every node and after every restart, which is what keeps "one run per slot" true; the
/// zone plays no part, so `every: 15m, offset: 5m` fires at :05, :20, :35 and :50 UTC.
struct IntervalSchedule {
    let interval: Int64
    let offset: Int64

    init(every: ManifestDuration, offset: ManifestDuration?) {
        self.interval = every.milliseconds
        self.offset = offset?.milliseconds ?? 0
    }

    func next(after instant: Date) -> Date? {
        guard let millis = Self.milliseconds(instant, rounding: .down) else { return nil }
        let slot = CivilTime.floorDiv(millis - offset, interval) + 1
        return Self.date(offset + slot * interval)
    }

    func previous(before instant: Date) -> Date? {
        guard let millis = Self.milliseconds(instant, rounding: .up) else { return nil }
        let slot = -CivilTime.floorDiv(offset - millis, interval) - 1
        return Self.date(offset + slot * interval)
    }

    /// Milliseconds since the epoch, rounded toward the side that keeps results strictly
    /// after (or before) the instant. A `Date` made from a whole number of milliseconds does
    /// not convert back exactly, so values within a microsecond of a whole millisecond count
    /// as that millisecond; otherwise a sequence fed its own fire times would repeat them.
    private static func milliseconds(_ instant: Date, rounding: FloatingPointRoundingRule) -> Int64? {
        let value = instant.timeIntervalSince1970 * 1000
        guard abs(value) < 1e15 else { return nil }
        let nearest = value.rounded()
        return Int64(abs(value - nearest) < 1e-3 ? nearest : value.rounded(rounding))
    }

    private static func date(_ millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }
}
