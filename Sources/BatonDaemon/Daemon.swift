import BatonEngine
import BatonGit
import BatonManifest
import BatonReconciler
import BatonStore
import CoreMetrics
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// How `baton serve` is set up; every field has a flag and an environment variable.
public struct DaemonConfiguration: Sendable {
    public var stateDirectory: String
    public var source: GitSource
    public var credentials: GitCredentials
    /// Between reconcile passes.
    public var interval: TimeInterval
    /// Tasks running at once across every run.
    public var workers: Int
    /// How long a stop waits for running tasks before terminating them.
    public var grace: Duration
    /// Before the first webhook retry (doubling after).
    public var alertRetryDelay: Duration
    /// Who tasks and command alerts run as (`--task-user`); nil for the daemon's own user.
    public var taskUser: TaskUser?
    /// Services that live inside the daemon (the HTTP server), started once recovery is done
    /// and stopped first at a graceful stop (in-flight requests get up to 5 s), before the
    /// loops end and running tasks drain. See `DaemonCompanion`.
    public var companions: [DaemonCompanion] = []
    /// Where the daemon's metrics go (a Prometheus registry's factory for `/metrics`); by
    /// default nowhere. Injected, never the global `MetricsSystem`, so many daemons can share
    /// a process (tests) without sharing counters.
    public var metrics: any MetricsFactory = NOOPMetricsHandler.instance
    /// Which commits must be signed before they are applied (`--verify-commits`), and
    /// whether a source verified before may stop being verified. See `Reconciler.Options`.
    public var verification: CommitVerification?
    public var stopVerifying = false

    public init(stateDirectory: String, source: GitSource, credentials: GitCredentials, interval: TimeInterval = 60, workers: Int = 4,
                grace: Duration = .seconds(30), alertRetryDelay: Duration = .seconds(1)) {
        self.stateDirectory = stateDirectory
        self.source = source
        self.credentials = credentials
        self.interval = interval
        self.workers = workers
        self.grace = grace
        self.alertRetryDelay = alertRetryDelay
    }
}

/// The long-lived process: follows the Git repository, runs every live pipeline on time,
/// exactly once per slot, through restarts and crashes.
///
/// Its life, in order: trap the signals it answers (before anything can send them); take the
/// state directory's lock (one daemon per directory); settle what a previous process left
/// unfinished (`RunRecovery`); load the schedule from the store, so slots missed while it
/// was down follow their `missed` policy under the revision that was live; then run three
/// loops side by side — the scheduler, the reconcile loop, and the signal handler — until a
/// graceful shutdown (SIGTERM or SIGINT through swift-service-lifecycle), after which it
/// lets running tasks finish for the grace period, terminates the rest, records every state,
/// and returns.
///
/// Signals: SIGHUP runs a reconcile pass now; SIGUSR1 means "look at the store": the CLI left
/// a queued run (`trigger`), a cancel request (`cancel`) or a suspension (`suspend`,
/// `resume`) there. The store is the mailbox, so nothing is lost if the daemon is busy.
public final class Daemon: Service {
    let configuration: DaemonConfiguration
    let logger: Logger

    public init(configuration: DaemonConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup, .sigusr1)
        let state = configuration.stateDirectory
        let lock = try DaemonLock(stateDirectory: state)
        defer { withExtendedLifetime(lock) {} }
        let store: SQLiteStore
        do { store = try SQLiteStore(stateDirectory: state) } catch { throw DaemonError(.io, error.message) }
        let integrity: StoreIntegrity
        do { integrity = try StoreIntegrity(path: store.path) } catch { throw DaemonError(.io, error.message) }

        let me = ProcessIdentity.current
        var record = DaemonRecord(pid: Int(me.pid), processStartTime: me.startTime, startedAt: Date(), interval: configuration.interval)
        do {
            if let previous = try await store.daemon() {
                record.reconcileCount = previous.reconcileCount
                if previous.stoppedAt == nil, previous.pid != record.pid {
                    logger.warning("the previous daemon did not stop cleanly; settling its runs", metadata: ["pid": "\(previous.pid)"])
                }
            }
        } catch {
            logger.error("cannot read the previous daemon's status row; starting a new one", metadata: ["error": "\(error.message)"])
        }
        try await store.saveDaemon(record)

        let metrics = DaemonMetrics(factory: configuration.metrics)
        let relay = ProgressRelay()
        let executor = RunExecutor(
            store: store, stateDirectory: state, workers: configuration.workers, taskUser: configuration.taskUser,
            progress: { event in
                relay.forward(event)
                metrics.observe(event)
            },
            queueDepth: { metrics.queueDepth($0) })
        let requests = VersionRequests(store: store, stateDirectory: state, logger: logger)
        let alertLogger = logger
        var notifier = AlertNotifier(logDirectory: "\(state)/alerts", retryDelay: configuration.alertRetryDelay) { failure in
            metrics.alert(delivered: false)
            alertLogger.warning("alert not delivered", metadata: [
                "pipeline": "\(failure.event.pipeline)", "event": "\(failure.event.event.rawValue)", "target": "\(failure.target)", "error": "\(failure.message)",
            ])
        }
        notifier.taskUser = configuration.taskUser
        notifier.delivered = { _ in metrics.alert(delivered: true) }
        do {
            try FileManager.default.createDirectory(atPath: "\(state)/alerts", withIntermediateDirectories: true)
        } catch {
            logger.warning("cannot create the folder for command alerts' output; those alerts will fail", metadata: ["error": "\(error.localizedDescription)"])
        }
        let supervisor = RunSupervisor(store: store, executor: executor, requests: requests, notifier: notifier, logger: logger, metrics: metrics)
        relay.supervisor = supervisor
        let scheduler = Scheduler(store: store, requests: requests, supervisor: supervisor, logger: logger)
        let backfiller = Backfiller(store: store, supervisor: supervisor, logger: logger)
        await supervisor.onBackfillRunEnded { backfiller.poke() }

        let settled = try await RunRecovery.settle(store: store, logger: logger)
        if settled.interruptedAttempts > 0 || settled.terminatedProcesses > 0 {
            logger.warning("recovered after a crash", metadata: [
                "interruptedAttempts": "\(settled.interruptedAttempts)", "terminatedProcesses": "\(settled.terminatedProcesses)",
            ])
        }
        let live = try await LivePipelines.read(from: store)
        try await scheduler.reload(live)
        let dependents = Dependents(store: store, requests: requests, logger: logger)
        await dependents.reload(live)
        await supervisor.use(dependents)
        await supervisor.adopt(settled.runs, continuing: settled.attempts)
        await supervisor.fireAwaitingDependents()
        let fileTriggers = FileTriggers(store: store, requests: requests, logger: logger) { runs in await supervisor.adopt(runs) }
        try await fileTriggers.reload(live)
        let trees = TreeCollector(store: store, trees: TreeStore(stateDirectory: state), logger: logger)
        await trees.collect()

        let reconciler = Reconciler(store: store, source: configuration.source, options: .init(
            verification: configuration.verification, stopVerifying: configuration.stopVerifying))
        let progress = ReconcileProgress(interval: configuration.interval)
        let loop = ReconcileLoop(
            reconciler: reconciler, mirror: GitMirror(stateDirectory: state), credentials: configuration.credentials, store: store,
            interval: configuration.interval, record: record, logger: logger, integrity: integrity,
            progress: progress, metrics: metrics,
            applied: {
                do throws(StoreError) {
                    let live = try await LivePipelines.read(from: store)
                    try await scheduler.reload(live)
                    await dependents.reload(live)
                    try await fileTriggers.reload(live)
                } catch {
                    self.logger.error("cannot reload the schedule after a pass; the previous schedule stays", metadata: ["error": "\(error.message)"])
                    return
                }
                await trees.collect()
            })
        let scheduled = await scheduler.count
        let watched = await fileTriggers.count
        logger.info("baton serve started", metadata: [
            "pid": "\(me.pid)", "state": "\(state)", "source": "\(configuration.source)", "scheduled": "\(scheduled)", "fileTriggers": "\(watched)",
            "interval": "\(configuration.interval)s", "workers": "\(configuration.workers)",
            "verifyCommits": "\(configuration.verification?.description ?? "off")",
        ])

        let handle = DaemonHandle(
            store: store, stateDirectory: state, source: configuration.source, interval: configuration.interval, metrics: metrics,
            logger: logger, progress: progress, poke: { loop.now() },
            mailbox: { await Self.checkMailbox(store: store, scheduler: scheduler, supervisor: supervisor, backfiller: backfiller, fileTriggers: fileTriggers, logger: self.logger) })

        let stop = Wakeup()
        let lost = LostStore()
        let companionFailure = CompanionFailure()
        var companionServices: [ServiceGroupConfiguration.ServiceConfiguration] = []
        for companion in configuration.companions {
            do { companionServices.append(.init(service: try await companion(handle))) } catch {
                companionFailure.error = "\(error)"
                stop.poke()
            }
        }
        // A group of their own, stopped gracefully before the loops are cancelled: a server
        // finishes the requests it is answering (for at most 5 s) rather than dropping them.
        var companionsSetup = ServiceGroupConfiguration(services: companionServices, logger: logger)
        companionsSetup.maximumGracefulShutdownDuration = .seconds(5)
        let companions = ServiceGroup(configuration: companionsSetup)
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { outer in
                if !companionServices.isEmpty {
                    outer.addTask {
                        do {
                            try await companions.run()
                        } catch {
                            companionFailure.error = "\(error)"
                            stop.poke()
                        }
                    }
                }
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await scheduler.run() }
                    group.addTask { await backfiller.run() }
                    group.addTask { await fileTriggers.run() }
                    group.addTask {
                        guard let error = await loop.run() else { return }
                        lost.error = error
                        stop.poke()
                    }
                    group.addTask {
                        for await signal in signals {
                            switch signal {
                            case .sighup:
                                self.logger.info("SIGHUP: reconciling now")
                                loop.now()
                            default:
                                await Self.checkMailbox(store: store, scheduler: scheduler, supervisor: supervisor, backfiller: backfiller, fileTriggers: fileTriggers, logger: self.logger)
                            }
                        }
                    }
                    await stop.sleep(until: nil)
                    await companions.triggerGracefulShutdown()
                    group.cancelAll()
                }
            }
        } onGracefulShutdown: {
            stop.poke()
        }
        progress.close()
        if let failure = companionFailure.error {
            logger.critical("\(failure); stopping")
        }

        if let error = lost.error {
            logger.critical("\(error.message); stopping: restore the state directory or start afresh", metadata: ["code": "\(error.code)"])
        }
        logger.info("stopping: no new runs; waiting for running tasks", metadata: ["grace": "\(configuration.grace)"])
        let stopping = ContinuousClock.now
        await supervisor.shutdown(grace: configuration.grace)
        await drainAlerts(notifier, grace: configuration.grace, since: stopping)
        if let error = lost.error {
            // Nothing more is written: the file is gone, replaced or damaged.
            throw DaemonError(.storeLost, "\(error.message) [\(error.code)]; the daemon stopped: restore the state directory or start afresh")
        }
        do {
            var final = try await store.daemon() ?? record
            final.stoppedAt = Date()
            final.nextReconcileAt = nil
            try await store.saveDaemon(final)
        } catch {
            logger.error("cannot record the clean stop; the next start will take it for a crash", metadata: ["error": "\(error.message)"])
        }
        if let failure = companionFailure.error {
            throw DaemonError(.companionFailed, failure)
        }
        logger.info("baton serve stopped")
    }

    /// Alerts still going out when the runs are over (a run that failed just before the
    /// stop): waited for with what is left of the grace period, and at least 5 s of it, so
    /// the alerts of runs the grace period cut short get their chance too.
    private func drainAlerts(_ notifier: AlertNotifier, grace: Duration, since start: ContinuousClock.Instant) async {
        let pending = notifier.deliveries.count
        guard pending > 0 else { return }
        let left = max(grace - (ContinuousClock.now - start), min(grace, .seconds(5)))
        logger.info("waiting for alerts in flight", metadata: ["alerts": "\(pending)", "upTo": "\(left)"])
        let cut = await notifier.drain(upTo: left)
        if cut > 0 { logger.warning("alerts not delivered before the stop", metadata: ["alerts": "\(cut)"]) }
    }

    /// SIGUSR1: suspensions, queued runs, cancel requests and backfills the CLI left in the
    /// store. A resume also lets the files that waited while a pipeline was suspended run.
    static func checkMailbox(store: any StateStore, scheduler: Scheduler, supervisor: RunSupervisor, backfiller: Backfiller, fileTriggers: FileTriggers, logger: Logger) async {
        backfiller.poke()
        do {
            let live = try await LivePipelines.read(from: store)
            try await scheduler.reload(live)
            try await fileTriggers.reload(live)
            let open = try await store.runs(inStates: [.queued, .running])
            let cancels = Set(open.filter { $0.state == .running && $0.reason?.hasPrefix(RunExecutor.cancelPrefix) == true }.compactMap(\.id))
            await supervisor.cancelRequested(cancels)
            let me = ProcessIdentity.current
            let queued = open.filter { $0.state == .queued && ($0.ownerPid == nil || $0.ownerPid == Int(me.pid)) }
            await supervisor.adopt(queued)
        } catch {
            logger.error("cannot read the store's requests", metadata: ["error": "\(error.message)"])
        }
    }
}

/// Why the reconcile loop stopped the daemon, from the loop's task to the daemon's.
final class LostStore: Sendable {
    private let value = Mutex<StoreError?>(nil)
    var error: StoreError? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

/// Why a companion (the HTTP server) stopped the daemon, from its task to the daemon's.
final class CompanionFailure: Sendable {
    private let value = Mutex<String?>(nil)
    var error: String? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = $0 ?? newValue } }
    }
}

/// Hands the executor's progress events to the supervisor, which exists only after the
/// executor does.
final class ProgressRelay: @unchecked Sendable {
    private let lock = NSLock()
    private weak var _supervisor: RunSupervisor?
    var supervisor: RunSupervisor? {
        get { lock.withLock { _supervisor } }
        set { lock.withLock { _supervisor = newValue } }
    }

    func forward(_ event: ProgressEvent) {
        guard case .retrying(let failed, _) = event.kind, let supervisor else { return }
        supervisor.retrying(runID: event.runID, task: event.task, failed: failed)
    }
}
