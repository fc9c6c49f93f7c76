import BatonEngine
import BatonManifest
import BatonStore
import Foundation
import Logging
import Synchronization

/// Starts the daemon's runs and follows them to their end: the concurrency policies, the
/// queue of catch-up runs, alerts (`failure`, `success`, `retry`, `missed`, `late`),
/// `keepRuns` pruning, cancel requests and the graceful stop.
///
/// An actor: the scheduler, the signal handler and finishing runs all change which runs are
/// active, and each decision ("is a run of this pipeline active?") must see the others.
public actor RunSupervisor {
    struct Active {
        var task: Task<Void, Never>
        var pipeline: String
        var late: Task<Void, Never>?
        /// The backfill whose run it is: its end lets the backfill start another.
        var backfill: Int64?
    }

    let store: any StateStore
    let executor: RunExecutor
    let requests: VersionRequests
    let notifier: AlertNotifier
    let logger: Logger
    let now: @Sendable () -> Date
    /// Says once a minute, not at every retry, that the end of a run cannot be recorded.
    let writeAlarm: ThrottledAlarm
    /// How long `endFailed` waits between tries of a write the store refused.
    let writeRetry: Duration
    let metrics: DaemonMetrics

    private var active: [Int64: Active] = [:]
    /// Runs waiting for their pipeline's active run to end (catch-up under `forbid`).
    private var waiting: [String: [RunRecord]] = [:]
    private var stopping = false
    /// Runs ended per pipeline since its last pruning.
    private var endedSincePrune: [String: Int] = [:]
    /// Told when a run of a backfill ends (the `Backfiller`'s poke), so the backfill can
    /// start its next slot without polling.
    private var backfillRunEnded: @Sendable () -> Void = {}
    /// The live pipelines' triggers: what the end of a run starts.
    private var dependents: Dependents?

    public init(store: any StateStore, executor: RunExecutor, requests: VersionRequests, notifier: AlertNotifier, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }, writeRetry: Duration = .seconds(2),
                metrics: DaemonMetrics = .none) {
        self.metrics = metrics
        self.store = store
        self.executor = executor
        self.requests = requests
        self.notifier = notifier
        self.logger = logger
        self.now = now
        self.writeAlarm = ThrottledAlarm(logger: logger)
        self.writeRetry = writeRetry
    }

    // MARK: Slots

    /// Records what the due slots become, in one transaction (missed, skipped, queued and
    /// started runs alike), then starts the runs to start.
    public func fire(_ due: [DueSlots]) async {
        guard !stopping, !due.isEmpty else { return }
        let time = now()
        let me = ProcessIdentity.current
        var records: [RunRecord] = []
        // Missed slots to alert on, by their record's index (createRuns keeps the order).
        var alerts: [(pipeline: ScheduledPipeline, record: Int)] = []
        var replacing: Set<String> = []
        for slots in due {
            let pipeline = slots.pipeline
            let decision = slots.decision
            if decision.overflow > 0 {
                logger.warning("slots missed beyond the most recorded at once", metadata: ["pipeline": "\(pipeline.name)", "unrecorded": "\(decision.overflow)"])
            }
            if decision.beyondCatchUp > 0 {
                logger.warning("missed: all catches up on the newest \(SlotPlanner.maxCatchUp) slots only; the older ones are recorded as missed", metadata: ["pipeline": "\(pipeline.name)", "notStarted": "\(decision.beyondCatchUp)"])
            }
            for missed in decision.missed {
                records.append(RunRecord(
                    pipeline: pipeline.name, versionID: pipeline.versionID, scheduledAt: missed.slot, trigger: .schedule, state: .missed,
                    createdAt: time, finishedAt: time, reason: missed.reason))
                alerts.append((pipeline, records.count - 1))
            }
            if pipeline.schedule.concurrency == .replace { replacing.insert(pipeline.name) }
            var busy = !(runIDs(of: pipeline.name).isEmpty && (waiting[pipeline.name] ?? []).isEmpty)
            for (index, slot) in decision.start.enumerated() {
                let isOnTime = decision.onTime && index == decision.start.count - 1
                var record = RunRecord(
                    pipeline: pipeline.name, versionID: pipeline.versionID, scheduledAt: slot, trigger: .schedule, state: .running,
                    createdAt: time, startedAt: time, ownerPid: Int(me.pid), ownerStartTime: me.startTime)
                switch pipeline.schedule.concurrency {
                case .allow:
                    break
                case .forbid, .replace:
                    if isOnTime, pipeline.schedule.concurrency == .forbid, busy {
                        let holders = runIDs(of: pipeline.name).map(String.init).joined(separator: ", ")
                        record.state = .skipped
                        record.startedAt = nil
                        record.finishedAt = time
                        record.reason = holders.isEmpty
                            ? "skipped: earlier slots of this pipeline are still queued (concurrency: forbid)"
                            : "skipped: run \(holders) still active (concurrency: forbid)"
                    } else if !isOnTime, busy {
                        // Catch-up runs of one pipeline go one after another.
                        record.state = .queued
                        record.startedAt = nil
                    }
                }
                if record.state == .running { busy = true }
                records.append(record)
            }
        }

        let stored: [(run: RunRecord, created: Bool)]
        do {
            stored = try await store.createRuns(records)
        } catch {
            logger.error("cannot record the runs of due slots", metadata: ["error": "\(error.message)"])
            return
        }
        for (pipeline, index) in alerts {
            let run = stored[index].run
            sendMissed(pipeline, slot: run.scheduledAt ?? time, runID: run.id, reason: run.reason ?? "missed")
        }
        for (run, created) in stored where created {
            guard let id = run.id else { continue }
            // Recorded as ended at once: counted here, not when a run finishes.
            if run.state == .missed || run.state == .skipped { metrics.runEnded(pipeline: run.pipeline, state: run.state) }
            switch run.state {
            case .running:
                if replacing.contains(run.pipeline) { replaceActive(of: run.pipeline, by: run) }
                start(run, continuing: [])
            case .queued:
                waiting[run.pipeline, default: []].append(run)
            case .skipped:
                logger.info("slot skipped", metadata: ["pipeline": "\(run.pipeline)", "run": "\(id)", "reason": "\(run.reason ?? "")"])
            default:
                break
            }
        }
    }

    /// Sets what is told when a run of a backfill ends: the `Backfiller` exists only after
    /// the supervisor does.
    public func onBackfillRunEnded(_ hook: @escaping @Sendable () -> Void) {
        backfillRunEnded = hook
    }

    /// Sets where the runs that a run's end starts come from (`triggers`, `onFailure`).
    public func use(_ dependents: Dependents) {
        self.dependents = dependents
    }

    // MARK: Runs from the store

    /// Starts queued runs (`baton trigger`, catch-up left queued by a crash) that no one
    /// runs yet, and continues interrupted runs (see `RunRecovery`).
    public func adopt(_ runs: [RunRecord], continuing: [Int64: [TaskAttemptRecord]] = [:]) {
        guard !stopping else { return }
        for run in runs {
            guard let id = run.id, active[id] == nil else { continue }
            // A backfill's queued runs wait for the `Backfiller`, which claims them within
            // the backfill's maxParallel and hands them over running.
            if run.state == .queued, run.backfillID != nil { continue }
            if waiting[run.pipeline]?.contains(where: { $0.id == id }) == true { continue }
            if run.state == .queued, run.trigger == .schedule, !runIDs(of: run.pipeline).isEmpty {
                waiting[run.pipeline, default: []].append(run)
                continue
            }
            start(run, continuing: continuing[id] ?? [])
        }
    }

    /// Cancels the active runs that `baton cancel` asked to stop.
    public func cancelRequested(_ runIDs: Set<Int64>) {
        for id in runIDs {
            guard let run = active[id] else { continue }
            logger.info("cancelling on request", metadata: ["run": "\(id)", "pipeline": "\(run.pipeline)"])
            run.task.cancel()
        }
    }

    // MARK: Stopping

    /// Starts nothing more; lets active runs finish for `grace`, then cancels them (their
    /// processes get SIGTERM, then SIGKILL) and waits until every state is recorded.
    public func shutdown(grace: Duration) async {
        stopping = true
        waiting.removeAll()
        let tasks = active.values.map(\.task)
        guard !tasks.isEmpty else { return }
        logger.info("waiting for active runs to finish", metadata: ["runs": "\(tasks.count)", "grace": "\(grace)"])
        let finished = await Self.wait(for: tasks, upTo: grace)
        if !finished {
            logger.warning("grace period over: cancelling active runs", metadata: ["runs": "\(active.count)"])
            for run in active.values { run.task.cancel() }
            for task in active.values.map(\.task) { await task.value }
        }
    }

    /// Whether every task ended within `limit`. Awaiting a task's value cannot be cancelled,
    /// so the two waits race on a continuation instead of in a task group (which would wait
    /// for the slower one).
    private static func wait(for tasks: [Task<Void, Never>], upTo limit: Duration) async -> Bool {
        let once = Once()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            Task {
                for task in tasks { await task.value }
                if once.claim() { continuation.resume(returning: true) }
            }
            Task {
                try? await Task.sleep(for: limit)
                if once.claim() { continuation.resume(returning: false) }
            }
        }
    }

    // MARK: One run

    /// The pipeline's active runs that its schedule's `concurrency` policy weighs. A
    /// backfill's runs are not among them: they are limited by the backfill's own
    /// `maxParallel`, and a backfill of last month must neither make today's slot skipped
    /// (`forbid`) nor be cancelled by it (`replace`).
    private func runIDs(of pipeline: String) -> [Int64] {
        active.filter { $0.value.pipeline == pipeline && $0.value.backfill == nil }.map(\.key).sorted()
    }

    private func replaceActive(of pipeline: String, by run: RunRecord) {
        for (id, other) in active where other.pipeline == pipeline && other.backfill == nil && id != run.id {
            logger.info("replacing the active run (concurrency: replace)", metadata: ["pipeline": "\(pipeline)", "run": "\(id)", "by": "\(run.id ?? 0)"])
            let reason = "\(RunExecutor.cancelPrefix): replaced by run \(run.id ?? 0) of the slot \(run.scheduledAt.map(RFC3339.utcString) ?? "")"
            let store = self.store
            let logger = self.logger
            Task {
                do {
                    _ = try await store.updateRun(id: id) { stored in
                        if !stored.isFinished { stored.reason = reason }
                    }
                } catch {
                    // The run is cancelled all the same; its reason then says "cancelled"
                    // without naming the run that replaced it.
                    logger.error("cannot record why the run is replaced", metadata: ["run": "\(id)", "pipeline": "\(pipeline)", "error": "\(error)"])
                }
                other.task.cancel()
            }
        }
    }

    private func start(_ run: RunRecord, continuing: [TaskAttemptRecord]) {
        guard let id = run.id else { return }
        let task = Task { await self.execute(run, continuing: continuing) }
        active[id] = Active(task: task, pipeline: run.pipeline, backfill: run.backfillID)
    }

    private func execute(_ run: RunRecord, continuing: [TaskAttemptRecord]) async {
        guard let id = run.id else { return }
        var context = AlertContext(pipeline: run.pipeline, runID: id, scheduledAt: run.scheduledAt)
        var endedRun: RunRecord?
        do {
            guard let versionID = run.versionID else {
                throw DaemonError(.invalidRun, "run \(id) has no pipeline version to run")
            }
            let (version, pipeline) = try await requests.pipeline(versionID: versionID)
            context.version = version
            context.alerts = pipeline.alerts
            context.model = pipeline
            var request = try await requests.request(
                versionID: versionID, parameters: run.parameters, scheduledAt: run.scheduledAt,
                trigger: run.trigger, continuing: continuing)
            if continuing.isEmpty, let failed = run.retryOf { request.resume = try await retried(failed, by: id) }
            context.treeRoot = request.treeRoot
            // A backfilled slot is long past by design: `late` would fire at once, for every run.
            if run.trigger != .backfill { armLateAlert(id, context: context) }
            // Once per run: a run continued after a restart started long ago.
            if run.trigger == .schedule, continuing.isEmpty, let slot = run.scheduledAt {
                metrics.slotStarted(late: (run.startedAt ?? now()).timeIntervalSince(slot))
            }
            logger.info("run started", metadata: ["pipeline": "\(run.pipeline)", "run": "\(id)", "slot": "\(run.scheduledAt.map(RFC3339.utcString) ?? "manual")"])
            let result = try await executor.execute(request, run: run)
            finished(result, context: context)
            endedRun = result.run
        } catch {
            let message = (error as? DaemonError)?.message ?? (error as? EngineError)?.message
                ?? (error as? StoreError).map { "the state store failed: \($0.message)" } ?? "\(error)"
            logger.error("run could not run", metadata: ["pipeline": "\(run.pipeline)", "run": "\(id)", "error": "\(message)"])
            if let ended = await endFailed(id, pipeline: run.pipeline, reason: message) {
                finished(RunResult(run: ended, tasks: []), context: context)
                endedRun = ended
            }
        }
        await ended(id, pipeline: run.pipeline, model: context.model)
        if let endedRun { await fireDependents(of: endedRun, model: context.model) }
    }

    // MARK: Runs started by runs

    /// Records and starts what the end of `run` starts (`triggers` naming its pipeline, its
    /// `onFailure`), once: the store keeps one run per dependent and upstream run, and marks
    /// the upstream run so a restart does not look at it again. A dependent that could not
    /// start (a template without a value) is recorded failed, and its own dependents follow.
    /// While stopping, dependents are recorded queued and start with the next daemon.
    func fireDependents(of run: RunRecord, model: Pipeline?, depth: Int = 0) async {
        guard let dependents, let id = run.id, run.isFinished, !run.dependentsFired else { return }
        guard await dependents.matters(run.pipeline, onFailure: model?.onFailure) else { return }
        let planned = await dependents.runs(after: run, onFailure: model?.onFailure, tasks: model?.tasks.map(\.id) ?? [])
        let created: [RunRecord]
        do {
            created = try await store.fireDependents(of: id, planned)
        } catch {
            // The upstream run stays unmarked: the next start of the daemon records them.
            logger.error("cannot record the runs this run's end starts; the next start of the daemon does", metadata: [
                "run": "\(id)", "pipeline": "\(run.pipeline)", "error": "\(error.message)",
            ])
            return
        }
        for dependent in created {
            guard let dependentID = dependent.id else { continue }
            logger.info("run started by the end of another", metadata: [
                "pipeline": "\(dependent.pipeline)", "run": "\(dependentID)", "trigger": "\(dependent.trigger.rawValue)",
                "upstream": "\(run.pipeline)", "upstreamRun": "\(id)", "state": "\(dependent.state.rawValue)",
            ])
            if dependent.state == .queued {
                if !stopping { start(dependent, continuing: []) }
            } else if depth < Dependents.maximumChain {
                metrics.runEnded(pipeline: dependent.pipeline, state: dependent.state)
                await fireDependents(of: dependent, model: await versionModel(of: dependent), depth: depth + 1)
            }
        }
    }

    /// At start: records what the ends of runs a stopped daemon did not follow up start.
    public func fireAwaitingDependents() async {
        guard let dependents else { return }
        let awaiting: [RunRecord]
        do { awaiting = try await dependents.awaiting() } catch {
            logger.error("cannot read which ended runs still have dependents to start", metadata: ["error": "\(error.message)"])
            return
        }
        for run in awaiting {
            await fireDependents(of: run, model: await versionModel(of: run))
        }
    }

    /// The manifest of the version a run ran under, for its `onFailure`; nil (logged) when it
    /// cannot be read, and then only other pipelines' triggers are followed.
    private func versionModel(of run: RunRecord) async -> Pipeline? {
        guard let versionID = run.versionID else { return nil }
        do { return try await requests.pipeline(versionID: versionID).1 } catch {
            logger.warning("cannot read an ended run's version; its onFailure is not followed", metadata: ["run": "\(run.id ?? 0)", "error": "\(error.message)"])
            return nil
        }
    }

    /// For a queued retry (`retryOf`, the API's retry): the failed run and its attempts, so
    /// the executor keeps what succeeded and runs the rest again, as `baton retry` does in
    /// the foreground. A retry taken up again after a crash has attempts of its own and
    /// continues from those instead.
    private func retried(_ failedID: Int64, by id: Int64) async throws -> (run: RunRecord, attempts: [TaskAttemptRecord]) {
        guard let failed = try await store.run(id: failedID) else {
            throw DaemonError(.invalidRun, "run \(id) retries run \(failedID), which the store no longer has")
        }
        return (failed, try await store.attempts(ofRun: failedID))
    }

    /// Records a run that could not go on as `failed` with `reason`, and its attempts still
    /// `running` with it, in one transaction.
    ///
    /// Most often the executor gave up because the store refused a write (a full disk, a
    /// read-only file system); then this write fails too at first. It is tried again every
    /// `writeRetry` until the store takes it, so the run ends as soon as space allows rather
    /// than staying `running` (and `trigger --wait` waiting) until the next start; the
    /// condition is logged once a minute meanwhile. Only a stopping daemon gives up, after
    /// its tasks are cancelled: the next start settles the run then (see `RunRecovery`).
    private func endFailed(_ id: Int64, pipeline: String, reason: String) async -> RunRecord? {
        while true {
            do {
                let open = try await store.attempts(ofRun: id).filter { $0.state == TaskState.running }
                let time = now()
                let settled = open.map { attempt in
                    var attempt = attempt
                    attempt.state = TaskState.failed
                    attempt.reason = attempt.reason ?? reason
                    attempt.finishedAt = time
                    return attempt
                }
                let ended = try await store.updateRun(id: id, saving: settled) { stored in
                    guard !stored.isFinished else { return }
                    stored.state = .failed
                    stored.reason = reason
                    stored.finishedAt = time
                }
                writeAlarm.recovered("the store takes writes again; the run's end is recorded", metadata: ["run": "\(id)", "pipeline": "\(pipeline)"])
                return ended
            } catch {
                // Only the database's own failures pass with time (space freed, a lock
                // released); a run that is gone or a row that cannot be read do not.
                guard error.code == .database else {
                    logger.error("cannot record the end of a failed run", metadata: ["run": "\(id)", "pipeline": "\(pipeline)", "reason": "\(reason)", "error": "\(error)"])
                    return nil
                }
                writeAlarm.failed(
                    "cannot record the end of a failed run; trying again until the store can be written (is the disk full?)",
                    metadata: ["run": "\(id)", "pipeline": "\(pipeline)", "reason": "\(reason)", "error": "\(error.message)"])
                if stopping, Task.isCancelled {
                    logger.error("stopping with a run's end unrecorded; the next start settles it", metadata: ["run": "\(id)", "pipeline": "\(pipeline)"])
                    return nil
                }
                // A sleep of its own: the run's task may be cancelled (`baton cancel`, the end
                // of the grace period), and a cancelled sleep would not wait at all.
                let pause = writeRetry
                await Task.detached { try? await Task.sleep(for: pause) }.value
            }
        }
    }

    /// What an alert about one run needs to say and where a command alert runs.
    struct AlertContext: Sendable {
        var pipeline: String
        var runID: Int64
        var scheduledAt: Date?
        var version: PipelineVersion?
        var alerts: [Alert]?
        var treeRoot: String?
        var model: Pipeline?

        func event(_ kind: Alert.Event, state: String, task: String? = nil, reason: String? = nil, logTail: [String] = []) -> AlertEvent {
            AlertEvent(
                event: kind, pipeline: pipeline, runID: runID, state: state, scheduledTime: scheduledAt, commit: version?.commit.id,
                author: version.map { "\($0.commit.author.name) <\($0.commit.author.email)>" }, task: task, reason: reason, logTail: logTail)
        }
    }

    private func finished(_ result: RunResult, context: AlertContext) {
        let run = result.run
        active[context.runID]?.late?.cancel()
        metrics.runEnded(pipeline: run.pipeline, state: run.state)
        logger.info("run ended", metadata: ["pipeline": "\(run.pipeline)", "run": "\(context.runID)", "state": "\(run.state.rawValue)"])
        guard let alerts = context.alerts, !alerts.isEmpty else { return }
        switch run.state {
        case .succeeded:
            send(context.event(.success, state: run.state.rawValue), alerts: alerts, context: context)
        case .failed, .timedOut, .cancelled:
            let failing = result.tasks.first { $0.state.isFailure } ?? result.tasks.first { $0.state == .cancelled }
            let store = self.store
            let runID = context.runID
            let event = context.event(.failure, state: run.state.rawValue, task: failing?.id, reason: failing?.reason ?? run.reason)
            let notifier = self.notifier
            let root = context.treeRoot ?? FileManager.default.currentDirectoryPath
            let logger = self.logger
            // The log tail is read off the run's path, never while the run still writes it.
            notifier.detached {
                var withLog = event
                if let task = failing?.id {
                    do {
                        let attempts = try await store.attempts(ofRun: runID)
                        if let last = attempts.filter({ $0.taskID == task }).max(by: { $0.attempt < $1.attempt }), let path = last.logPath {
                            withLog.logTail = LogTail.lines(path, count: 20)
                        }
                    } catch {
                        // The alert still goes, without the log's last lines.
                        logger.warning("cannot read the failed task's attempts for the alert's log tail", metadata: ["run": "\(runID)", "error": "\(error)"])
                    }
                }
                await notifier.send(withLog, to: alerts, workingDirectory: root)
            }
        default:
            break
        }
    }

    /// Called by the executor's progress hook: an attempt failed and will be retried.
    nonisolated func retrying(runID: Int64, task: String, failed: TaskResult) {
        Task { await self.sendRetry(runID: runID, task: task, failed: failed) }
    }

    private func sendRetry(runID: Int64, task: String, failed: TaskResult) async {
        guard active[runID] != nil else { return }
        let run: RunRecord?
        do { run = try await store.run(id: runID) } catch {
            logger.warning("cannot read the run for its retry alert; no alert sent", metadata: ["run": "\(runID)", "error": "\(error.message)"])
            return
        }
        guard let run, let versionID = run.versionID else { return }
        let version: PipelineVersion, pipeline: Pipeline
        do { (version, pipeline) = try await requests.pipeline(versionID: versionID) } catch {
            logger.warning("cannot read the run's version for its retry alert; no alert sent", metadata: ["run": "\(runID)", "error": "\(error.message)"])
            return
        }
        guard !AlertNotifier.matching(pipeline.alerts, .retry).isEmpty else { return }
        var context = AlertContext(pipeline: run.pipeline, runID: runID, scheduledAt: run.scheduledAt, version: version, alerts: pipeline.alerts)
        do {
            context.treeRoot = try await requests.request(versionID: versionID, parameters: run.parameters, scheduledAt: run.scheduledAt, trigger: run.trigger).treeRoot
        } catch {
            // A command alert then runs in the daemon's working directory.
            logger.warning("cannot export the run's tree for its retry alert", metadata: ["run": "\(runID)", "error": "\(error.message)"])
        }
        send(context.event(.retry, state: "running", task: task, reason: "attempt \(failed.attempts) \(failed.state.rawValue)\(failed.reason.map { ": \($0)" } ?? "")"), alerts: pipeline.alerts, context: context)
    }

    private func sendMissed(_ pipeline: ScheduledPipeline, slot: Date, runID: Int64?, reason: String) {
        let requests = self.requests
        let notifier = self.notifier
        let logger = self.logger
        notifier.detached {
            let version: PipelineVersion, model: Pipeline
            do { (version, model) = try await requests.pipeline(versionID: pipeline.versionID) } catch {
                logger.warning("cannot read the pipeline's version for its missed alert; no alert sent", metadata: ["pipeline": "\(pipeline.name)", "run": "\(runID.map(String.init) ?? "-")", "error": "\(error)"])
                return
            }
            guard !AlertNotifier.matching(model.alerts, .missed).isEmpty else { return }
            let event = AlertEvent(
                event: .missed, pipeline: pipeline.name, runID: runID, state: "missed", scheduledTime: slot, commit: version.commit.id,
                author: "\(version.commit.author.name) <\(version.commit.author.email)>", reason: reason)
            var root = FileManager.default.currentDirectoryPath
            do {
                root = try await requests.request(versionID: pipeline.versionID, parameters: [:], scheduledAt: slot, trigger: .schedule).treeRoot
            } catch {
                logger.warning("cannot export the pipeline's tree for its missed alert; a command alert runs in the daemon's folder", metadata: ["pipeline": "\(pipeline.name)", "error": "\(error)"])
            }
            await notifier.send(event, to: model.alerts, workingDirectory: root)
        }
    }

    private func armLateAlert(_ runID: Int64, context: AlertContext) {
        guard let scheduledAt = context.scheduledAt, let alerts = context.alerts else { return }
        let late = alerts.filter { $0.on.contains(.late) && $0.sla != nil }
        guard !late.isEmpty else { return }
        var timers: [Task<Void, Never>] = []
        for alert in late {
            guard let sla = alert.sla else { continue }
            let due = scheduledAt.addingTimeInterval(sla.seconds)
            timers.append(Task {
                let delay = due.timeIntervalSinceNow
                if delay > 0 { try? await Task.sleep(for: .milliseconds(Int64(delay * 1000))) }
                guard !Task.isCancelled else { return }
                await self.sendLate(runID, alert: alert, sla: sla, context: context)
            })
        }
        let all = timers
        active[runID]?.late = Task { await withTaskCancellationHandler { for timer in all { await timer.value } } onCancel: { for timer in all { timer.cancel() } } }
    }

    private func sendLate(_ runID: Int64, alert: Alert, sla: ManifestDuration, context: AlertContext) async {
        guard active[runID] != nil else { return }
        let event = context.event(.late, state: "running", reason: "not finished \(sla) after its scheduled time")
        send(event, alerts: [alert], context: context)
    }

    private func send(_ event: AlertEvent, alerts: [Alert], context: AlertContext) {
        let notifier = self.notifier
        let root = context.treeRoot ?? FileManager.default.currentDirectoryPath
        notifier.detached { await notifier.send(event, to: alerts, workingDirectory: root) }
    }

    // MARK: After a run

    private func ended(_ runID: Int64, pipeline: String, model: Pipeline?) async {
        if active.removeValue(forKey: runID)?.backfill != nil { backfillRunEnded() }
        if !stopping, var queue = waiting[pipeline], !queue.isEmpty, runIDs(of: pipeline).isEmpty {
            let next = queue.removeFirst()
            waiting[pipeline] = queue.isEmpty ? nil : queue
            start(next, continuing: [])
        }
        guard let model else { return }
        // In batches of a tenth of keepRuns (at least one run): a pipeline holds at most
        // 10 % more than it keeps, and a burst of short runs is not a burst of deletes.
        let ended = (endedSincePrune[pipeline] ?? 0) + 1
        if ended >= max(1, model.keepRuns / 10) {
            endedSincePrune[pipeline] = 0
            await prune(pipeline, model: model)
        } else {
            endedSincePrune[pipeline] = ended
        }
    }

    /// Keeps the pipeline's newest `keepRuns` runs; older runs go with their logs and
    /// workspaces. Versions and audit events are never pruned.
    private func prune(_ pipeline: String, model: Pipeline) async {
        let pruned: [RunRecord]
        do { pruned = try await store.pruneRuns(of: pipeline, keep: model.keepRuns) } catch {
            // Nothing is lost: the runs stay until the next pruning of the pipeline.
            logger.error("cannot prune old runs", metadata: ["pipeline": "\(pipeline)", "keepRuns": "\(model.keepRuns)", "error": "\(error.message)"])
            return
        }
        guard !pruned.isEmpty else { return }
        // Each attempt's files are named after the run, task and attempt: removed by name,
        // never by listing a folder that holds every run's files.
        let attempts = model.tasks.map { task in (task.id, (task.settings.inheriting(from: model.defaults).retries ?? 0) + 1) }
        for run in pruned {
            guard let id = run.id else { continue }
            let workspace = executor.runDirectory(id)
            do {
                try FileManager.default.removeItem(atPath: workspace)
            } catch let error as CocoaError where error.code == .fileNoSuchFile {
                // Never created (a run that started no process task).
            } catch {
                logger.warning("cannot remove a pruned run's workspace", metadata: ["run": "\(id)", "path": "\(workspace)", "error": "\(error.localizedDescription)"])
            }
            for (task, count) in attempts {
                for attempt in 0...count {
                    let base = "\(executor.stateDirectory)/runs/\(id).\(task).\(attempt)"
                    unlink(base + ".log")
                    unlink(base + ".out")
                }
            }
        }
    }
}

/// The last lines of a log file, read from its end.
///
/// For an alert's `logTail` only, hence best effort (the `try?` below): a log that is gone
/// or unreadable gives fewer lines, and the alert still goes.
enum LogTail {
    static func lines(_ path: String, count: Int) -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let window: UInt64 = 16 * 1024
        try? handle.seek(toOffset: size > window ? size - window : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        let text = String(decoding: data, as: UTF8.self)
        return Array(text.split(separator: "\n", omittingEmptySubsequences: true).suffix(count).map(String.init))
    }
}

/// True for the first caller only.
final class Once: Sendable {
    private let claimed = Mutex(false)
    func claim() -> Bool {
        claimed.withLock { value in
            defer { value = true }
            return !value
        }
    }
}
