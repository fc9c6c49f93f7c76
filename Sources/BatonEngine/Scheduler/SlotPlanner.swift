import BatonManifest
import Foundation

/// What becomes of the slots of one pipeline that fell due: the rule behind `missed`,
/// `startingDeadline` and "a slot is on time", in one pure function the scheduler and its
/// tests share.
///
/// A slot is *on time* when it is handled within its window: the shorter of 30 s and the
/// time to the slot after it (an `every: 1s` slot handled 1.5 s late has been overtaken by
/// the next one). Every older slot is *missed*: the daemon was down, or the process was
/// paused past it. What a missed slot becomes is the pipeline's `missed` policy:
/// - `skip` (the default) starts none of them;
/// - `latest` starts one run, for the newest;
/// - `all` starts each, oldest first, at most `maxCatchUp` (the newest ones); the older
///   rest are recorded as missed and the caller logs a warning.
///
/// Whatever the policy, a slot older than `startingDeadline` is never started. Every slot
/// not started is returned in `missed`, so it can be recorded as a `missed` run (one run per
/// slot holds for them too) and raise the `missed` alert. At most `maxRecorded` slots are
/// enumerated per call, the newest, so a daemon that was down for a week does not write a
/// week of one-second slots; `overflow` counts the ones left out.
public enum SlotPlanner {
    /// A slot handled within this long after its time is on time (unless its next slot
    /// came first).
    public static let onTimeWindow: TimeInterval = 30
    /// The most missed slots `missed: all` starts after one outage.
    public static let maxCatchUp = 100
    /// The most slots one call enumerates.
    public static let maxRecorded = 1_000

    public struct Decision: Sendable, Equatable {
        /// Slots to run, oldest first.
        public var start: [Date] = []
        /// Whether the newest slot of `start` is the on-time one (the others catch up).
        public var onTime = false
        /// Slots not started, oldest first, with the reason recorded on their run.
        public var missed: [Missed] = []
        /// Older slots beyond `maxRecorded`, counted, not listed.
        public var overflow = 0
        /// How many missed slots `missed: all` did not start because of `maxCatchUp`.
        public var beyondCatchUp = 0
        /// The first slot after `now`: when to look again.
        public var next: Date?
    }

    public struct Missed: Sendable, Equatable {
        public var slot: Date
        public var reason: String
    }

    /// The slots in `(after, now]` of `schedule`, sorted into runs to start and missed slots.
    public static func plan(
        _ schedule: Schedule, missed policy: PipelineSchedule.MissedPolicy, startingDeadline: ManifestDuration?,
        after: Date, now: Date
    ) -> Decision {
        var decision = Decision()
        // Walk back from `now` so the newest slots are the ones kept when there are many.
        var slots: [Date] = []
        var cursor = now.addingTimeInterval(0.000_5)  // `previous` is strict: include a slot at `now`
        while let slot = schedule.previousFireTime(before: cursor), slot > after {
            if slots.count == maxRecorded {
                decision.overflow = countSlots(schedule, after: after, before: slot) + 1
                break
            }
            slots.append(slot)
            cursor = slot
        }
        slots.reverse()
        decision.next = schedule.nextFireTime(after: now)
        guard let newest = slots.last else { return decision }

        let nextAfterNewest = schedule.nextFireTime(after: newest) ?? .distantFuture
        let window = min(onTimeWindow, nextAfterNewest.timeIntervalSince(newest))
        let onTime = now.timeIntervalSince(newest) <= window
        let deadline = startingDeadline.map { $0.seconds }
        func pastDeadline(_ slot: Date) -> Bool { deadline.map { now.timeIntervalSince(slot) > $0 } ?? false }

        let late = onTime ? Array(slots.dropLast()) : slots
        var startLate: Set<Date> = []
        switch policy {
        case .skip:
            break
        case .latest:
            if let last = late.last { startLate.insert(last) }
        case .all:
            let eligible = late.filter { !pastDeadline($0) }
            startLate = Set(eligible.suffix(maxCatchUp))
            decision.beyondCatchUp = max(0, eligible.count - maxCatchUp)
        }
        for slot in late {
            if pastDeadline(slot) {
                decision.missed.append(Missed(slot: slot, reason: "missed: older than its startingDeadline of \(startingDeadline!) when the scheduler reached it"))
            } else if startLate.contains(slot) {
                decision.start.append(slot)
            } else {
                let why = policy == .all ? "missed: beyond the \(maxCatchUp) newest slots missed: all catches up" : "missed: the scheduler reached it \(Self.lateness(now.timeIntervalSince(slot))) late (missed: \(policy.rawValue))"
                decision.missed.append(Missed(slot: slot, reason: why))
            }
        }
        if onTime {
            if pastDeadline(newest) {
                decision.missed.append(Missed(slot: newest, reason: "missed: older than its startingDeadline of \(startingDeadline!) when the scheduler reached it"))
            } else {
                decision.start.append(newest)
                decision.onTime = true
            }
        }
        return decision
    }

    private static func countSlots(_ schedule: Schedule, after: Date, before: Date) -> Int {
        var count = 0
        var cursor = after
        // Bounded: past a million slots the exact count no longer helps anyone.
        while count < 1_000_000, let slot = schedule.nextFireTime(after: cursor), slot < before {
            count += 1
            cursor = slot
        }
        return count
    }

    static func lateness(_ seconds: TimeInterval) -> String {
        if seconds < 1 { return "\(Int(seconds * 1000)) ms" }
        if seconds < 120 { return String(format: "%.1f s", seconds) }
        if seconds < 7200 { return "\(Int(seconds / 60)) min" }
        return String(format: "%.1f h", seconds / 3600)
    }
}
