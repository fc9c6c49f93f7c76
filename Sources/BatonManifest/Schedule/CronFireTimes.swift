import Foundation

/// Fire times of a cron expression in one time zone, with S9's rules for gaps and overlaps.
///
/// The zone's timeline is a chain of segments with one UTC offset each. Within a segment the
/// wall clock runs evenly, so the first match is the expression's next matching wall minute,
/// converted back with that segment's offset. Only fixed-time jobs look at the seams: at a
/// backward change they skip wall times the previous segment already showed (the second
/// occurrence of an overlap never fires), and at a forward change they fire once, at the
/// change itself, when a matching wall time fell into the gap.
struct CronFireTimes {
    let expression: CronExpression
    let zone: ZoneTransitions

    init(_ expression: CronExpression, in timeZone: TimeZone) {
        self.expression = expression
        self.zone = ZoneTransitions.of(timeZone)
    }

    /// Instants far enough out that minute arithmetic in `Int64` cannot overflow; Date's own
    /// range (year 4001) is well inside it.
    private static let horizon: Double = 1e15

    /// The first fire strictly after `instant`: candidates are whole UTC minutes (S10).
    func next(after instant: Date) -> Date? {
        let seconds = instant.timeIntervalSince1970
        guard abs(seconds) < Self.horizon else { return nil }
        let first = Int64((seconds / 60).rounded(.down)) * 60 + 60
        return next(atOrAfter: first).map { Date(timeIntervalSince1970: Double($0)) }
    }

    /// The last fire strictly before `instant`.
    func previous(before instant: Date) -> Date? {
        let seconds = instant.timeIntervalSince1970
        guard abs(seconds) < Self.horizon else { return nil }
        let last = Int64((seconds / 60).rounded(.up)) * 60 - 60
        return previous(atOrBefore: last).map { Date(timeIntervalSince1970: Double($0)) }
    }

    /// Segments a search may cross before giving up: a match exists in every 400-year
    /// cycle, and no zone changes offset more than a few times a year.
    private static let segmentBudget = 4_000

    func next(atOrAfter from: Int64) -> Int64? {
        var from = from
        var segment = zone.segment(containing: from)
        for _ in 0..<Self.segmentBudget {
            var wallFrom = Self.minute(containing: from + segment.offset)
            if expression.isFixedTime, let before = segment.previousOffset {
                if before < segment.offset, segment.start >= from,
                   expression.nextWallMinute(from: segment.start + before, before: segment.start + segment.offset) != nil {
                    return segment.start
                }
                if before > segment.offset {
                    wallFrom = max(wallFrom, segment.start + before)
                }
            }
            let wallLimit = segment.end == .max ? Int64.max : segment.end + segment.offset
            if wallFrom < wallLimit, let wall = expression.nextWallMinute(from: wallFrom, before: wallLimit) {
                return Self.firstWholeMinute(from: wall - segment.offset)
            }
            guard segment.end != .max else { return nil }
            from = segment.end
            segment = zone.segment(containing: from)
        }
        return nil
    }

    /// The wall minute an instant falls in. Offsets are whole minutes in every zone today, but
    /// local mean time before the 1880s-1970s was not (New York's was -4:56:02): then a wall
    /// minute is matched by the whole UTC minutes whose wall time, seconds dropped, is that
    /// minute, and the first of them is where it fires.
    @inline(__always)
    private static func minute(containing wall: Int64) -> Int64 {
        CivilTime.floorDiv(wall, 60) * 60
    }

    @inline(__always)
    private static func firstWholeMinute(from instant: Int64) -> Int64 {
        CivilTime.floorDiv(instant + 59, 60) * 60
    }

    func previous(atOrBefore to: Int64) -> Int64? {
        var to = to
        var segment = zone.segment(containing: to)
        for _ in 0..<Self.segmentBudget {
            var wallLow = segment.start == .min ? Int64.min : segment.start + segment.offset
            if expression.isFixedTime, let before = segment.previousOffset, before > segment.offset {
                wallLow = max(wallLow, segment.start + before)
            }
            if let wall = expression.previousWallMinute(from: to + segment.offset, notBefore: wallLow) {
                return Self.firstWholeMinute(from: wall - segment.offset)
            }
            if expression.isFixedTime, let before = segment.previousOffset, before < segment.offset,
               expression.nextWallMinute(from: segment.start + before, before: segment.start + segment.offset) != nil {
                return segment.start
            }
            guard segment.start != .min else { return nil }
            to = segment.start - 1
            segment = zone.segment(containing: to)
        }
        return nil
    }
}
