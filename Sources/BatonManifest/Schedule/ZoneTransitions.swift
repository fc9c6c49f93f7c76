import Foundation

/// Every UTC-offset change of one time zone, as a sorted table, so that fire-time search
/// can ask "which offset holds here, and where does it stop" with a binary search instead of
/// calling into Foundation (whose per-call cost would dominate the scheduler's hot path).
///
/// Foundation's tz data stays the source of truth: the table is read from
/// `TimeZone.nextDaylightSavingTimeTransition(after:)`, which reports every offset change,
/// not only daylight saving (S9 applies to all of them). It is read once per zone from 1800
/// to a full 400-year cycle past 2040. Zones still changing offsets then follow their final
/// rule, and a rule like "second Sunday in March" repeats exactly every 400 Gregorian years
/// (146,097 days, a whole number of weeks), so later instants are folded back into that cycle.
final class ZoneTransitions: Sendable {
    /// A stretch of time with one UTC offset: `[start, end)` in UTC seconds, with the offset
    /// that held just before it so callers can tell a gap (offset grew) from an overlap.
    struct Segment {
        var start: Int64
        var end: Int64
        var offset: Int64
        var previousOffset: Int64?
    }

    /// UTC seconds at which the offset changes, ascending.
    private let instants: [Int64]
    /// `offsets[i]` holds before `instants[i]` (and after `instants[i - 1]`).
    private let offsets: [Int64]
    /// Start of the 400-year window used to extend the table, or nil when the zone's offsets
    /// stop changing before it (the last offset then holds forever).
    private let cycleStart: Int64?

    static let cycle: Int64 = 146_097 * CivilTime.secondsPerDay
    private static let tableStart: Int64 = CivilTime.days(year: 1800, month: 1, day: 1) * CivilTime.secondsPerDay
    private static let cycleStartInstant: Int64 = CivilTime.days(year: 2040, month: 1, day: 1) * CivilTime.secondsPerDay

    init(_ timeZone: TimeZone) {
        // Three years past the window, so the segment that straddles its end knows its end.
        let tableEnd = Self.cycleStartInstant + Self.cycle + 3 * 366 * CivilTime.secondsPerDay
        var instants: [Int64] = []
        var offsets: [Int64] = [Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(Self.tableStart))))]
        var cursor = Date(timeIntervalSince1970: Double(Self.tableStart))
        // `next > cursor` guards against a zone implementation that reports the same change again.
        while let next = timeZone.nextDaylightSavingTimeTransition(after: cursor), next > cursor,
              next.timeIntervalSince1970 < Double(tableEnd) {
            cursor = next
            let instant = Int64(next.timeIntervalSince1970.rounded(.down))
            let offset = Int64(timeZone.secondsFromGMT(for: next))
            // ICU also reports changes of name or DST flag alone; they move no wall clock.
            guard offset != offsets[offsets.count - 1] else { continue }
            instants.append(instant)
            offsets.append(offset)
        }
        self.instants = instants
        self.offsets = offsets
        let last = instants.last ?? .min
        self.cycleStart = last >= Self.cycleStartInstant + Self.cycle ? Self.cycleStartInstant : nil
    }

    /// The segment holding the UTC instant `instant`.
    func segment(containing instant: Int64) -> Segment {
        if let cycleStart, instant >= cycleStart + Self.cycle {
            let shift = (instant - cycleStart) / Self.cycle * Self.cycle
            var folded = tableSegment(containing: instant - shift)
            folded.start += shift
            folded.end += shift
            return folded
        }
        return tableSegment(containing: instant)
    }

    private func tableSegment(containing instant: Int64) -> Segment {
        // The index of the first transition after `instant`.
        var low = 0, high = instants.count
        while low < high {
            let middle = (low + high) / 2
            if instants[middle] <= instant { low = middle + 1 } else { high = middle }
        }
        return Segment(
            start: low > 0 ? instants[low - 1] : .min,
            end: low < instants.count ? instants[low] : .max,
            offset: offsets[low],
            previousOffset: low > 0 ? offsets[low - 1] : nil)
    }

    /// The shared table for a zone, built on first use; a zone's table costs about a
    /// millisecond to read and is the same for every schedule in that zone.
    static func of(_ timeZone: TimeZone) -> ZoneTransitions {
        cache.table(for: timeZone)
    }

    private static let cache = Cache()

    private final class Cache: @unchecked Sendable {
        // Guards `tables`; NSLock rather than Mutex because the package still builds for macOS 14.
        private let lock = NSLock()
        private var tables: [String: ZoneTransitions] = [:]

        func table(for timeZone: TimeZone) -> ZoneTransitions {
            let key = timeZone.identifier
            lock.lock()
            if let table = tables[key] {
                lock.unlock()
                return table
            }
            lock.unlock()
            let table = ZoneTransitions(timeZone)
            lock.lock()
            defer { lock.unlock() }
            if let raced = tables[key] { return raced }
            tables[key] = table
            return table
        }
    }
}
