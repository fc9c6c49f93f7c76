import BatonEngine
import BatonManifest
import BatonStore
import Foundation
import Logging

/// The scheduler: keeps the timer heap of every live pipeline (`ScheduleBook`), sleeps until
/// the earliest fire time, and hands what fell due to the supervisor.
///
/// It never scans all pipelines per tick; a reconcile that applied changes calls `reload`,
/// which re-reads only the pipelines whose version changed. Where a pipeline's slots pick up
/// (its watermark) comes from the store at start: the newest slot it has a run for, or the
/// time its current version was applied, or the last `baton resume`, whichever is latest
/// (slots that passed while suspended are never caught up on). So a restart knows which slots
/// passed while it was down, and a new or changed schedule takes effect from the next slot
/// after it was applied.
public actor Scheduler {
    let store: any StateStore
    let requests: VersionRequests
    let supervisor: RunSupervisor
    let logger: Logger
    let now: @Sendable () -> Date
    private var book = ScheduleBook()
    private let wakeup = Wakeup()
    private var overrides: Set<String> = []
    /// `suspend: true` in each pipeline's current manifest.
    private var manifestSuspended: [String: Bool] = [:]

    public init(store: any StateStore, requests: VersionRequests, supervisor: RunSupervisor, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.requests = requests
        self.supervisor = supervisor
        self.logger = logger
        self.now = now
    }

    /// How many pipelines have a schedule.
    public var count: Int { book.count }

    /// Brings the book up to date with the store: adds new pipelines, replaces changed ones,
    /// drops retired ones, and applies operator suspensions. Cheap when nothing changed: only
    /// pipelines whose version changed are read again.
    public func reload(_ pipelines: LivePipelines) async throws(StoreError) {
        let records = pipelines.records
        let suspended = pipelines.suspended
        let starting = book.count == 0
        let lastSlots = starting ? try await store.lastSlots() : [:]
        let resumed = starting ? try await store.resumeTimes() : [:]
        var live: Set<String> = []
        var changed: [PipelineRecord] = []
        for record in records where record.state == .active {
            live.insert(record.name)
            if book.pipeline(named: record.name)?.versionID != record.currentVersionID { changed.append(record) }
        }
        for name in book.names where !live.contains(name) {
            book.remove(name)
            manifestSuspended[name] = nil
        }
        var commits: Set<String> = []
        for record in changed {
            let version: PipelineVersion
            let pipeline: Pipeline
            do {
                (version, pipeline) = try await requests.pipeline(versionID: record.currentVersionID)
                commits.insert(version.revisionCommit)
            } catch {
                logger.error("cannot schedule a pipeline", metadata: ["pipeline": "\(record.name)", "error": "\(error.message)"])
                continue
            }
            guard let schedule = pipeline.schedule else {
                book.remove(record.name)
                continue
            }
            manifestSuspended[record.name] = pipeline.suspend
            let handled = max(lastSlots[record.name] ?? .distantPast, version.appliedAt, resumed[record.name] ?? .distantPast)
            book.upsert(
                ScheduledPipeline(name: record.name, versionID: record.currentVersionID, schedule: schedule,
                                  paused: pipeline.suspend || suspended.contains(record.name)),
                handledUntil: handled)
        }
        if suspended != overrides || !changed.isEmpty {
            for name in book.names {
                book.setPaused(name, (manifestSuspended[name] ?? false) || suspended.contains(name))
            }
            overrides = suspended
        }
        if !changed.isEmpty { logger.info("schedule updated", metadata: ["changed": "\(changed.count)", "scheduled": "\(book.count)"]) }
        for commit in commits { await requests.prepareTree(commit: commit) }
        wakeup.poke()
    }

    /// Sleeps until the next fire time and fires what fell due, until cancelled.
    public func run() async {
        while !Task.isCancelled {
            let due = book.takeDue(now: now())
            if !due.isEmpty { await supervisor.fire(due) }
            let next = book.nextWake()
            await wakeup.sleep(until: next)
        }
    }
}
