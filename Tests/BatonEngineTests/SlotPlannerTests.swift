import BatonEngine
import BatonManifest
import Foundation
import Testing

/// What due slots become: on time, missed, caught up, past their deadline.
@Suite struct SlotPlannerTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)  // a whole minute
    func every(_ text: String) throws -> Schedule { try Schedule(every: ManifestDuration(parsing: text), offset: nil) }
    func minutes(_ n: Double) -> Date { t0.addingTimeInterval(n * 60) }

    @Test func aSlotHandledRightAwayStartsOnTime() throws {
        let decision = SlotPlanner.plan(try every("1m"), missed: .skip, startingDeadline: nil, after: t0, now: minutes(1).addingTimeInterval(0.2))
        #expect(decision.start == [minutes(1)])
        #expect(decision.onTime)
        #expect(decision.missed.isEmpty)
        #expect(decision.next == minutes(2))
    }

    @Test func skipRecordsTheSlotsOfAnOutageAsMissedAndStartsOnlyTheCurrentOne() throws {
        let decision = SlotPlanner.plan(try every("1m"), missed: .skip, startingDeadline: nil, after: t0, now: minutes(5).addingTimeInterval(0.1))
        #expect(decision.missed.map(\.slot) == [minutes(1), minutes(2), minutes(3), minutes(4)])
        #expect(decision.missed.allSatisfy { $0.reason.contains("missed: skip") })
        #expect(decision.start == [minutes(5)])
    }

    @Test func skipStartsNothingWhenEvenTheNewestSlotIsLate() throws {
        let decision = SlotPlanner.plan(try every("1m"), missed: .skip, startingDeadline: nil, after: t0, now: minutes(5).addingTimeInterval(40))
        #expect(decision.start.isEmpty)
        #expect(decision.missed.count == 5)
        #expect(!decision.onTime)
    }

    @Test func latestStartsOneRunForTheNewestMissedSlot() throws {
        let decision = SlotPlanner.plan(try every("1m"), missed: .latest, startingDeadline: nil, after: t0, now: minutes(5).addingTimeInterval(40))
        #expect(decision.start == [minutes(5)])
        #expect(!decision.onTime)
        #expect(decision.missed.map(\.slot) == [minutes(1), minutes(2), minutes(3), minutes(4)])
    }

    @Test func allStartsEveryMissedSlotInOrder() throws {
        let decision = SlotPlanner.plan(try every("1m"), missed: .all, startingDeadline: nil, after: t0, now: minutes(5).addingTimeInterval(40))
        #expect(decision.start == (1...5).map { minutes(Double($0)) })
        #expect(decision.missed.isEmpty)
    }

    @Test func aSlotOlderThanItsStartingDeadlineIsNeverStarted() throws {
        let deadline = try ManifestDuration(parsing: "2m")
        let decision = SlotPlanner.plan(try every("1m"), missed: .all, startingDeadline: deadline, after: t0, now: minutes(5).addingTimeInterval(40))
        #expect(decision.start == [minutes(4), minutes(5)])
        #expect(decision.missed.map(\.slot) == [minutes(1), minutes(2), minutes(3)])
        #expect(decision.missed.allSatisfy { $0.reason.contains("startingDeadline of 2m") })
    }

    @Test func aSlotOvertakenByTheNextIsMissedEvenWithinThirtySeconds() throws {
        let decision = SlotPlanner.plan(try every("1s"), missed: .skip, startingDeadline: nil, after: t0.addingTimeInterval(-1), now: t0.addingTimeInterval(1.5))
        // Slots t0 and t0+1s: the newest is 0.5 s late (on time), the older one was overtaken.
        #expect(decision.start == [t0.addingTimeInterval(1)])
        #expect(decision.missed.map(\.slot) == [t0])
        let late = SlotPlanner.plan(try every("1s"), missed: .skip, startingDeadline: nil, after: t0.addingTimeInterval(-1), now: t0.addingTimeInterval(2.5).addingTimeInterval(-0.999))
        #expect(late.start == [t0.addingTimeInterval(1)])
    }

    @Test func allCatchesUpOnTheNewestHundredSlotsOnly() throws {
        let decision = SlotPlanner.plan(try every("1m"), missed: .all, startingDeadline: nil, after: t0, now: minutes(150).addingTimeInterval(40))
        #expect(decision.start.count == SlotPlanner.maxCatchUp)
        #expect(decision.start.first == minutes(51))
        #expect(decision.start.last == minutes(150))
        #expect(decision.missed.count == 50)
        #expect(decision.beyondCatchUp == 50)
    }

    @Test func aLongOutageOfAOneSecondScheduleRecordsTheNewestThousandAndCountsTheRest() throws {
        let decision = SlotPlanner.plan(try every("1s"), missed: .skip, startingDeadline: nil, after: t0, now: t0.addingTimeInterval(7_200))
        #expect(decision.missed.count + decision.start.count == SlotPlanner.maxRecorded)
        #expect(decision.overflow == 7_200 - SlotPlanner.maxRecorded)
        #expect((decision.missed.map(\.slot) + decision.start).max() == t0.addingTimeInterval(7_200))
    }

    @Test func nothingIsDueBeforeTheFirstSlot() throws {
        let decision = SlotPlanner.plan(try every("1h"), missed: .all, startingDeadline: nil, after: t0, now: minutes(30))
        #expect(decision.start.isEmpty && decision.missed.isEmpty)
        #expect(decision.next == minutes(60))
    }
}

/// The timer heap: only due pipelines are taken, watermarks move, stale entries vanish.
@Suite struct ScheduleBookTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func pipeline(_ name: String, every: String, version: Int64 = 1, paused: Bool = false, missed: PipelineSchedule.MissedPolicy = .skip) throws -> ScheduledPipeline {
        let schedule = try Schedule(every: ManifestDuration(parsing: every), offset: nil)
        return ScheduledPipeline(name: name, versionID: version, schedule: PipelineSchedule(schedule: schedule, timeZone: .gmt, missed: missed), paused: paused)
    }

    @Test func onlyPipelinesWithADueSlotAreTakenAndTheirNextFireIsQueued() throws {
        var book = ScheduleBook()
        book.upsert(try pipeline("fast", every: "10s"), handledUntil: t0)
        book.upsert(try pipeline("slow", every: "1h"), handledUntil: t0)
        #expect(book.nextWake() == t0.addingTimeInterval(10))
        let due = book.takeDue(now: t0.addingTimeInterval(10.01))
        #expect(due.map(\.pipeline.name) == ["fast"])
        #expect(due.first?.decision.start == [t0.addingTimeInterval(10)])
        #expect(book.nextWake() == t0.addingTimeInterval(20))
        #expect(book.takeDue(now: t0.addingTimeInterval(15)).isEmpty)
    }

    @Test func aReplacedPipelineKeepsTheLaterWatermarkAndItsOldHeapEntryIsDropped() throws {
        var book = ScheduleBook()
        book.upsert(try pipeline("p", every: "10s"), handledUntil: t0)
        // A new version applied at t0+25s: slots up to then belong to the old one.
        book.upsert(try pipeline("p", every: "10s", version: 2), handledUntil: t0.addingTimeInterval(25))
        #expect(book.nextWake() == t0.addingTimeInterval(30))
        let due = book.takeDue(now: t0.addingTimeInterval(30.01))
        #expect(due.count == 1)
        #expect(due.first?.pipeline.versionID == 2)
        #expect(due.first?.decision.start == [t0.addingTimeInterval(30)])
        #expect(due.first?.decision.missed.isEmpty == true)
    }

    @Test func aPausedPipelineMovesOnWithoutDecisionsAndResumingDoesNotCatchUp() throws {
        var book = ScheduleBook()
        book.upsert(try pipeline("p", every: "10s", missed: .all), handledUntil: t0)
        book.setPaused("p", true)
        #expect(book.takeDue(now: t0.addingTimeInterval(35)).isEmpty)
        book.setPaused("p", false)
        let due = book.takeDue(now: t0.addingTimeInterval(40.01))
        #expect(due.first?.decision.start == [t0.addingTimeInterval(40)])
        #expect(due.first?.decision.missed.isEmpty == true)
    }

    @Test func aRemovedPipelineNeverFires() throws {
        var book = ScheduleBook()
        book.upsert(try pipeline("p", every: "10s"), handledUntil: t0)
        book.remove("p")
        #expect(book.nextWake() == nil)
        #expect(book.takeDue(now: t0.addingTimeInterval(100)).isEmpty)
    }
}
