import BatonManifest
import Foundation
import HeapModule

/// What the scheduler knows of one live pipeline: just enough to compute its slots. The
/// spec itself stays in the store until a slot fires, so ten thousand idle pipelines cost
/// a few hundred bytes each.
public struct ScheduledPipeline: Sendable, Equatable {
    public var name: String
    public var versionID: Int64
    public var schedule: PipelineSchedule
    /// `suspend: true` in the manifest, or an operator's `baton suspend`.
    public var paused: Bool

    public init(name: String, versionID: Int64, schedule: PipelineSchedule, paused: Bool) {
        self.name = name
        self.versionID = versionID
        self.schedule = schedule
        self.paused = paused
    }
}

/// The slots of one pipeline that fell due at one wake-up.
public struct DueSlots: Sendable {
    public var pipeline: ScheduledPipeline
    public var decision: SlotPlanner.Decision
}

/// The timer heap: every live pipeline's next fire time, so a wake-up costs a look at the
/// top of a heap rather than a scan of every pipeline.
///
/// Each pipeline also has a *watermark*: the instant up to which its slots have been
/// handled. A slot is due once it is after the watermark and not after now; handling moves
/// the watermark to now. Replacing a pipeline (a reconcile changed it) keeps the later of the
/// two watermarks, which is what makes "a schedule change takes effect from the next slot
/// after it is applied" hold: pass the apply time. Stale heap entries (of a replaced or
/// removed pipeline) are dropped when they surface, so a change never rebuilds the heap.
public struct ScheduleBook: Sendable {
    private struct Entry: Comparable, Sendable {
        var fire: Date
        var name: String
        var generation: Int
        static func < (a: Entry, b: Entry) -> Bool { (a.fire, a.name, a.generation) < (b.fire, b.name, b.generation) }
    }

    private struct Slot: Sendable {
        var pipeline: ScheduledPipeline
        var watermark: Date
        var generation: Int
    }

    private var heap = Heap<Entry>()
    private var slots: [String: Slot] = [:]
    private var generation = 0

    public init() {}

    public var count: Int { slots.count }
    public var names: [String] { Array(slots.keys) }
    public func pipeline(named name: String) -> ScheduledPipeline? { slots[name]?.pipeline }

    /// Adds or replaces a pipeline; slots at or before `handledUntil` (or the pipeline's
    /// current watermark, if later) are never due.
    public mutating func upsert(_ pipeline: ScheduledPipeline, handledUntil: Date) {
        generation += 1
        let watermark = max(slots[pipeline.name]?.watermark ?? handledUntil, handledUntil)
        slots[pipeline.name] = Slot(pipeline: pipeline, watermark: watermark, generation: generation)
        if let fire = pipeline.schedule.schedule.nextFireTime(after: watermark) {
            heap.insert(Entry(fire: fire, name: pipeline.name, generation: generation))
        }
    }

    /// Changes only whether a pipeline is paused; its slots and watermark stay.
    public mutating func setPaused(_ name: String, _ paused: Bool) {
        slots[name]?.pipeline.paused = paused
    }

    public mutating func remove(_ name: String) {
        slots[name] = nil
    }

    /// The earliest next fire time of any pipeline; nil when there is none.
    public mutating func nextWake() -> Date? {
        while let top = heap.min {
            if slots[top.name]?.generation == top.generation { return top.fire }
            heap.removeMin()
        }
        return nil
    }

    /// Takes every pipeline with a slot at or before `now`, decides what its slots become
    /// (see `SlotPlanner`), moves its watermark to `now` and queues its next fire time.
    /// Paused pipelines are moved along without any decision: a paused pipeline's slots are
    /// neither run nor missed, and resuming it does not catch up on them.
    public mutating func takeDue(now: Date) -> [DueSlots] {
        var due: [DueSlots] = []
        while let top = heap.min, top.fire <= now {
            heap.removeMin()
            guard var slot = slots[top.name], slot.generation == top.generation else { continue }
            let schedule = slot.pipeline.schedule
            let decision = SlotPlanner.plan(
                schedule.schedule, missed: schedule.missed, startingDeadline: schedule.startingDeadline,
                after: slot.watermark, now: now)
            if !slot.pipeline.paused { due.append(DueSlots(pipeline: slot.pipeline, decision: decision)) }
            slot.watermark = now
            slots[top.name] = slot
            if let next = decision.next ?? schedule.schedule.nextFireTime(after: now) {
                heap.insert(Entry(fire: next, name: top.name, generation: slot.generation))
            }
        }
        return due
    }
}
