import BatonEngine
import BatonStore
import Foundation
import Logging

/// Carries out backfills (`baton backfill`): starts each running backfill's queued runs,
/// oldest slot first, so that at most its `maxParallel` runs are active at once, and marks
/// it `completed` when none is left queued or running.
///
/// Everything it decides on is in the store, so a daemon killed half-way and started again
/// carries on: the runs the backfill made are all recorded (queued) from the start, a run it
/// had started is taken up again by `RunRecovery`, and the store's count of the backfill's
/// `running` runs is what limits it. A queued run is claimed (made `running`, owned by this
/// process) in one transaction before the supervisor starts it, so a cancel that came
/// first wins and a run is never started twice.
///
/// It wakes at the daemon's start, when the CLI writes to the store (SIGUSR1: a new
/// backfill, a cancel), and when one of its runs ends; it never polls.
public actor Backfiller {
    let store: any StateStore
    let supervisor: RunSupervisor
    let logger: Logger
    let now: @Sendable () -> Date
    private let wakeup = Wakeup()

    public init(store: any StateStore, supervisor: RunSupervisor, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.supervisor = supervisor
        self.logger = logger
        self.now = now
    }

    /// Asks for a look at the store; a poke while a look is under way brings another.
    public nonisolated func poke() { wakeup.poke() }

    /// Looks at the running backfills, then sleeps until poked, until cancelled.
    public func run() async {
        while !Task.isCancelled {
            await step()
            await wakeup.sleep(until: nil)
        }
    }

    /// One look: for each running backfill, completes it or starts what its `maxParallel`
    /// allows. A store that cannot be read is logged and tried again at the next poke.
    public func step() async {
        let open: [BackfillRecord]
        do { open = try await store.backfills(pipeline: nil, states: [.running], limit: Int(Int32.max)) } catch {
            logger.error("cannot read the running backfills; trying again at the next run's end or request", metadata: ["error": "\(error.message)"])
            return
        }
        for backfill in open.reversed() {
            do {
                try await advance(backfill)
            } catch {
                logger.error("cannot advance a backfill", metadata: ["backfill": "\(backfill.id ?? 0)", "pipeline": "\(backfill.pipeline)", "error": "\(error.message)"])
            }
        }
    }

    private func advance(_ backfill: BackfillRecord) async throws(StoreError) {
        guard let id = backfill.id else { return }
        let counts = try await store.backfillRunCounts(id: id)
        let running = counts[.running] ?? 0
        let queued = counts[.queued] ?? 0
        if running == 0, queued == 0 {
            if let done = try await store.completeBackfill(id: id, at: now()), done.state == .completed {
                logger.info("backfill completed", metadata: [
                    "backfill": "\(id)", "pipeline": "\(backfill.pipeline)", "runs": "\(backfill.createdCount)", "skipped": "\(backfill.skippedCount)",
                ])
            }
            return
        }
        let free = backfill.maxParallel - running
        guard free > 0, queued > 0 else { return }
        let next = try await store.runs(ofBackfill: id, inStates: [.queued], limit: free)
        let me = ProcessIdentity.current
        var claimed: [RunRecord] = []
        for run in next {
            guard let runID = run.id else { continue }
            let time = now()
            let stored = try await store.updateRun(id: runID) { stored in
                guard stored.state == .queued else { return }
                stored.state = .running
                stored.startedAt = time
                stored.ownerPid = Int(me.pid)
                stored.ownerStartTime = me.startTime
            }
            // Cancelled a moment before: the cancel's transaction came first.
            guard stored.state == .running, stored.ownerPid == Int(me.pid), stored.ownerStartTime == me.startTime else { continue }
            claimed.append(stored)
        }
        guard !claimed.isEmpty else { return }
        logger.info("backfill starting runs", metadata: [
            "backfill": "\(id)", "pipeline": "\(backfill.pipeline)", "runs": "\(claimed.compactMap(\.id).map(String.init).joined(separator: ","))",
            "queued": "\(queued - claimed.count)",
        ])
        await supervisor.adopt(claimed)
    }
}
