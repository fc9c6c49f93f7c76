import BatonManifest
import BatonStore
import Foundation

/// One end of a backfill's range, as a person writes it.
///
/// An RFC 3339 instant (`2026-01-01T00:00:00Z`, `2026-01-01T02:00:00+09:00`) means that
/// instant. A plain date (`2026-01-01`) means its midnight in the time zone of the
/// pipeline's schedule, the zone its cron is read in, so `--from 2026-01-01 --to
/// 2026-02-01` is "January's slots" as the schedule's own clock sees them.
public enum BackfillBound: Sendable, Hashable, CustomStringConvertible {
    case instant(Date)
    case date(year: Int, month: Int, day: Int)

    /// Reads an RFC 3339 instant or a `YYYY-MM-DD` date; nil for anything else.
    public init?(_ text: String) {
        if let instant = RFC3339.instant(from: text) {
            self = .instant(instant)
            return
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // 2026-02-30 is not a date (Calendar would roll it into March).
        guard let noon = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12)),
              calendar.component(.day, from: noon) == day else { return nil }
        self = .date(year: year, month: month, day: day)
    }

    /// The instant it names, a plain date read as its first instant in `zone` (where a
    /// daylight-saving change skips midnight, the first instant that day has).
    public func instant(in zone: TimeZone) -> Date? {
        switch self {
        case .instant(let instant):
            return instant
        case .date(let year, let month, let day):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            guard let noon = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12)) else { return nil }
            return calendar.startOfDay(for: noon)
        }
    }

    public var description: String {
        switch self {
        case .instant(let instant): RFC3339.utcString(instant)
        case .date(let year, let month, let day): String(format: "%04d-%02d-%02d", year, month, day)
        }
    }
}

/// A backfill to make: run the pipeline's slots in `[from, to)`.
public struct BackfillRequest: Sendable, Hashable {
    public var pipeline: String
    public var from: BackfillBound
    public var to: BackfillBound
    /// Runs of the backfill active at once, at most (1 by default: one slot after another).
    public var maxParallel: Int

    public init(pipeline: String, from: BackfillBound, to: BackfillBound, maxParallel: Int = 1) {
        self.pipeline = pipeline
        self.from = from
        self.to = to
        self.maxParallel = maxParallel
    }
}

/// A backfill and how far it has come.
public struct BackfillSummary: Sendable, Equatable, Codable {
    public var id: Int64
    public var pipeline: String
    public var versionID: Int64
    public var from: Date
    public var to: Date
    public var maxParallel: Int
    public var state: BackfillRecord.State
    public var requestedBy: String
    public var createdAt: Date
    public var finishedAt: Date?
    /// Slots of the schedule in the range (before the request's time).
    public var slots: Int
    /// Slots that already had a run, left alone.
    public var skipped: Int
    /// Runs it made: one per slot not skipped.
    public var created: Int
    /// Its runs by state (`queued`, `running`, `succeeded`…), of the runs `keepRuns` still
    /// keeps.
    public var runs: [String: Int]
    /// Why it ended early (a cancel, and by whom).
    public var reason: String?

    public init(_ record: BackfillRecord, runs: [RunRecord.State: Int]) {
        id = record.id ?? 0
        pipeline = record.pipeline
        versionID = record.versionID
        from = record.from
        to = record.to
        maxParallel = record.maxParallel
        state = record.state
        requestedBy = record.requestedBy
        createdAt = record.createdAt
        finishedAt = record.finishedAt
        slots = record.slotCount
        skipped = record.skippedCount
        created = record.createdCount
        self.runs = Dictionary(uniqueKeysWithValues: runs.map { ($0.key.rawValue, $0.value) })
        reason = record.reason
    }
}

/// What `cancel --backfill` did.
public struct BackfillCancelResult: Sendable, Equatable, Codable {
    /// The backfill after the request.
    public var backfill: BackfillSummary
    /// False when it had already completed or been cancelled: nothing changed.
    public var changed: Bool
    /// Its queued runs, cancelled at once.
    public var cancelledRuns: Int
    /// Its running runs, asked to stop (their executor ends them as cancelled).
    public var requestedRuns: Int
    /// Running tasks whose process groups got SIGTERM.
    public var stoppedTasks: Int
    public var daemonNotified: Bool
}
