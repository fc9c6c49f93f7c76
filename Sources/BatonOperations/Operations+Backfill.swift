import BatonEngine
import BatonManifest
import BatonStore
import Foundation

extension Operations {
    /// The most slots one backfill may make. A range holding more is refused with
    /// `too-many-slots` rather than filling the store (and the daemon's queue) by mistake: a
    /// minute-by-minute cron over a year is half a million runs. Split a larger range.
    public static let backfillSlotLimit = 10_000
    /// `maxParallel` allowed, 1 to this: a backfill shares the daemon's workers with every
    /// scheduled run.
    public static let backfillParallelLimit = 100

    /// Records a backfill of a live pipeline's past slots and tells the daemon, which runs
    /// them oldest first, at most `maxParallel` at once, each marked with the trigger
    /// `backfill`.
    ///
    /// The slots are those of the pipeline's *current* schedule in `[from, to)`, computed
    /// by the same code as the scheduler's; slots after the moment of the request are left
    /// to the scheduler. Slots that already have a run (whatever its state) are skipped and
    /// counted. The backfill and all its runs are one transaction, so a daemon that dies
    /// half-way carries on with the queued runs when it starts again, and no slot ever gets
    /// a second run. Runs use the current version and the parameters' defaults.
    ///
    /// - Throws: `unknown-pipeline`, `no-schedule`, `bad-range` (from not before to, from in
    ///   the future), `too-many-slots` (over `backfillSlotLimit`), `bad-request` (maxParallel
    ///   out of bounds), `invalid-parameters` (a parameter without default), and
    ///   `daemon-not-running` when no daemon runs: nothing is recorded then.
    public func backfill(_ request: BackfillRequest, by actor: OperationActor) async throws(OperationError) -> BackfillSummary {
        let maxParallel = try Self.checked(request.maxParallel, "maxParallel", in: 1...Self.backfillParallelLimit)
        let version = try await liveVersion(request.pipeline)
        let model = try model(of: version)
        guard let schedule = model.schedule else {
            throw OperationError(.noSchedule, "\"\(request.pipeline)\" has no schedule, so it has no slots to backfill; use `baton trigger \(request.pipeline)` for a run")
        }
        let zone = schedule.timeZone
        guard let from = request.from.instant(in: zone), let to = request.to.instant(in: zone) else {
            throw OperationError(.badRange, "cannot place \(request.from)..\(request.to) in \(zone.identifier)")
        }
        guard from < to else {
            throw OperationError(.badRange, "--from \(request.from) is not before --to \(request.to) (\(RFC3339.utcString(from)) ≥ \(RFC3339.utcString(to))); the range is from inclusive, to exclusive")
        }
        let time = now()
        guard from < time else {
            throw OperationError(.badRange, "--from \(request.from) is in the future; the scheduler runs future slots, a backfill only past ones")
        }
        let slots = try Self.slots(of: schedule.schedule, from: from, to: min(to, time), pipeline: request.pipeline)
        let parameters: [String: String]
        do { parameters = try RunParameters.resolve(model.parameters, given: [:]) } catch {
            throw OperationError(.invalidParameters, "backfilled runs take the parameters' defaults: \(error.message)")
        }
        guard daemon.runningPid() != nil else {
            throw OperationError(.daemonNotRunning, "no baton serve runs on \(stateDirectory); start it, then ask for the backfill again (nothing was recorded)")
        }
        let runs = slots.map { slot in
            RunRecord(pipeline: request.pipeline, versionID: version.id, scheduledAt: slot, trigger: .backfill, state: .queued,
                      parameters: parameters, createdAt: time, requestedBy: actor.name)
        }
        let record = BackfillRecord(
            pipeline: request.pipeline, versionID: version.id ?? 0, from: from, to: to, maxParallel: maxParallel,
            requestedBy: actor.name, createdAt: time)
        let stored = try await stored { () async throws(StoreError) in
            try await store.createBackfill(record, runs: runs) { backfill in
                AuditEvent(time: time, pipeline: backfill.pipeline, action: "backfill", changedFields: [], commit: nil, author: nil, actor: actor.name,
                           message: "backfill \(backfill.id ?? 0): \(backfill.createdCount) runs for the slots in \(RFC3339.utcString(from))..\(RFC3339.utcString(to)) (\(backfill.skippedCount) already had one)",
                           versionID: backfill.versionID)
            }
        }
        await daemon.notify()
        return try await summary(stored)
    }

    /// A backfill and its runs' states, or `unknown-backfill`.
    public func backfill(id: Int64) async throws(OperationError) -> BackfillSummary {
        try await summary(try await existingBackfill(id))
    }

    /// Backfills, newest first, of one pipeline or of all.
    public func backfills(pipeline: String? = nil, limit: Int = 20) async throws(OperationError) -> [BackfillSummary] {
        let limit = try Self.checked(limit, "limit", in: 1...1_000)
        let records = try await stored { () async throws(StoreError) in try await store.backfills(pipeline: pipeline, states: [], limit: limit) }
        var summaries: [BackfillSummary] = []
        for record in records { summaries.append(try await summary(record)) }
        return summaries
    }

    /// Cancels a backfill as one unit: it starts nothing more, its queued runs are cancelled
    /// at once, and its running runs are asked to stop as `cancel` asks one run (the request
    /// recorded on each, their running tasks' process groups sent SIGTERM, the daemon told).
    /// A backfill that already ended is left as it is (`changed` false).
    public func cancelBackfill(_ id: Int64, by actor: OperationActor) async throws(OperationError) -> BackfillCancelResult {
        _ = try await existingBackfill(id)
        let reason = "\(RunExecutor.cancelPrefix) by \(actor.name) (backfill \(id))"
        let time = now()
        let result = try await stored { () async throws(StoreError) in
            try await store.cancelBackfill(id: id, reason: reason, at: time) { backfill in
                AuditEvent(time: time, pipeline: backfill.pipeline, action: "cancel", changedFields: [], commit: nil, author: nil,
                           actor: actor.name, message: "backfill \(id)", versionID: backfill.versionID)
            }
        }
        var stopped = 0
        for run in result.requested {
            for attempt in try await attempts(of: run) where attempt.state == TaskState.running {
                guard let pid = attempt.pid, let start = attempt.processStartTime,
                      ProcessIdentity(pid: pid_t(pid), startTime: start).isAlive else { continue }
                if kill(-pid_t(pid), SIGTERM) == 0 { stopped += 1 }
            }
        }
        let told = result.changed ? await daemon.notify() : false
        return BackfillCancelResult(
            backfill: try await summary(result.backfill), changed: result.changed, cancelledRuns: result.cancelledRuns,
            requestedRuns: result.requested.count, stoppedTasks: stopped, daemonNotified: told)
    }

    // MARK: Steps

    /// The slots of `schedule` in `[from, to)`, oldest first, through the scheduler's own
    /// fire-time code; `too-many-slots` past `backfillSlotLimit`.
    static func slots(of schedule: Schedule, from: Date, to: Date, pipeline: String) throws(OperationError) -> [Date] {
        var slots: [Date] = []
        // Fire times are strictly after the instant given: a millisecond earlier lets a slot
        // at `from` itself in (fire times fall on whole milliseconds).
        for slot in schedule.fireTimes(after: from.addingTimeInterval(-0.001)) {
            guard slot < to else { break }
            guard slot >= from else { continue }
            if slots.count == backfillSlotLimit {
                throw OperationError(.tooManySlots, "the range holds more than \(backfillSlotLimit) slots of \"\(pipeline)\"'s schedule (the most one backfill makes); backfill a shorter range, one after another")
            }
            slots.append(slot)
        }
        return slots
    }

    func existingBackfill(_ id: Int64) async throws(OperationError) -> BackfillRecord {
        guard let record = try await stored({ () async throws(StoreError) in try await store.backfill(id: id) }) else {
            throw OperationError(.unknownBackfill, "no backfill \(id); `baton backfills` lists them")
        }
        return record
    }

    func summary(_ record: BackfillRecord) async throws(OperationError) -> BackfillSummary {
        guard let id = record.id else { return BackfillSummary(record, runs: [:]) }
        let counts = try await stored { () async throws(StoreError) in try await store.backfillRunCounts(id: id) }
        return BackfillSummary(record, runs: counts)
    }
}
