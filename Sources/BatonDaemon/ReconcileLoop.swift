#if canImport(Glibc)
import Glibc
#endif
import BatonGit
import BatonReconciler
import BatonStore
import Foundation
import Logging

/// The daemon's reconcile loop: one pass every interval (±5 % jitter, so many daemons on one
/// remote spread out), at once on SIGHUP or `baton reconcile --now`, and backing off while
/// the source fails (the interval doubled per failed pass, at most 10 intervals).
///
/// Whatever a pass ends in, what is live keeps running: a rejected commit applies nothing
/// (decision 1) and a failing source changes nothing. After each pass the daemon's status
/// row says what happened and when the next pass is due, for `baton status`.
///
/// The one thing that ends the loop is the store itself: each pass first checks that the
/// database is still the file the daemon opened and sound (`StoreIntegrity`), and when it is
/// not, `run` returns why, for the daemon to stop (everything it recorded from then on would
/// be lost).
actor ReconcileLoop {
    let reconciler: Reconciler
    let mirror: GitMirror
    let credentials: GitCredentials
    let store: any StateStore
    let interval: TimeInterval
    let logger: Logger
    /// Called after a pass applied a new revision, so the schedule follows.
    let applied: @Sendable () async -> Void
    /// Checked before each pass; nil checks nothing.
    let integrity: StoreIntegrity?
    let wakeup = Wakeup()
    /// What in-process companions see of the passes (readiness, waiting for a pass).
    let progress: ReconcileProgress
    let metrics: DaemonMetrics
    var record: DaemonRecord
    /// A status row that cannot be written (a full disk) is said once a minute, not at every
    /// pass.
    private lazy var saveAlarm = ThrottledAlarm(logger: logger)

    init(reconciler: Reconciler, mirror: GitMirror, credentials: GitCredentials, store: any StateStore, interval: TimeInterval,
         record: DaemonRecord, logger: Logger,
         integrity: StoreIntegrity? = nil, progress: ReconcileProgress? = nil, metrics: DaemonMetrics = .none,
         applied: @escaping @Sendable () async -> Void) {
        self.progress = progress ?? ReconcileProgress(interval: interval)
        self.metrics = metrics
        self.reconciler = reconciler
        self.mirror = mirror
        self.credentials = credentials
        self.store = store
        self.interval = interval
        self.record = record
        self.logger = logger
        self.applied = applied
        self.integrity = integrity
    }

    /// The delay after a pass: the interval with jitter, or the back-off while the source
    /// fails.
    static func delay(interval: TimeInterval, failures: Int, jitter: Double) -> TimeInterval {
        let factor = failures == 0 ? 1 : min(10, pow(2, Double(failures)))
        return interval * factor * (1 + 0.05 * jitter)
    }

    /// Passes until cancelled (returning nil) or until the store is found lost or damaged
    /// (returning why).
    func run() async -> StoreError? {
        while !Task.isCancelled {
            if let integrity {
                do { try await integrity.check() } catch { return error }
            }
            await pass()
            let delay = Self.delay(interval: interval, failures: record.sourceFailures, jitter: Double.random(in: -1...1))
            record.nextReconcileAt = Date().addingTimeInterval(delay)
            await save()
            await wakeup.sleep(until: record.nextReconcileAt)
        }
        return nil
    }

    /// Writes the status row; a failure is logged (status then shows an older pass) and the
    /// loop goes on.
    private func save() async {
        do {
            try await store.saveDaemon(record)
            saveAlarm.recovered("the daemon's status row is recorded again")
        } catch {
            saveAlarm.failed("cannot record the reconcile pass in the daemon's status row", metadata: ["error": "\(error.message)"])
        }
    }

    /// The commit live after a pass: the judged one unless it was rejected, then the one that
    /// stays live (read from the store; nil, with a warning, when the store cannot say).
    private func liveCommit(after report: ReconcileReport) async -> String? {
        guard report.outcome == .rejected else { return report.commit.id }
        do {
            return try await store.source()?.lastAppliedCommit
        } catch {
            logger.warning("cannot read which commit stays live after a rejected commit", metadata: ["error": "\(error.message)"])
            return nil
        }
    }

    /// Asks for a pass now (SIGHUP, `reconcile --now`).
    nonisolated func now() { wakeup.poke() }

    private func pass() async {
        let started = ContinuousClock.now
        let index = progress.passStarted()
        let result: ReconcilePassResult
        do {
            let report = try await reconciler.reconcile(mirror: mirror, credentials: credentials)
            result = .reconciled(report)
            let pass = ReconcilePass(report, live: await liveCommit(after: report), finishedAt: Date(), duration: ContinuousClock.now - started)
            if record.sourceFailures > 0 {
                logger.notice("the source answers again", metadata: ["after": "\(record.sourceFailures) failed passes"])
            }
            record.sourceFailures = 0
            record.sourceError = nil
            record.lastReconcile = pass
            let level: Logger.Level = report.outcome == .rejected ? .error : (report.alreadyJudged ? .debug : .info)
            let counts = pass.counts
            logger.log(level: level, "\(pass.summaryLine)", metadata: [
                "commit": "\(report.commit.id.prefix(12))", "outcome": "\(report.outcome.rawValue)",
                "created": "\(counts.created)", "updated": "\(counts.updated)", "retired": "\(counts.retired)", "revived": "\(counts.revived)",
                "unchanged": "\(counts.unchanged)", "errors": "\(pass.errors)", "durationMs": "\(pass.durationMilliseconds ?? 0)",
            ])
            if report.outcome == .rejected, !report.alreadyJudged {
                for diagnostic in report.diagnostics where diagnostic.severity == .error {
                    logger.error("\(diagnostic.formatted)")
                }
            }
            if report.outcome != .rejected { await applied() }
            // A cold pass of thousands of manifests frees most of what it allocated; glibc
            // keeps freed memory for reuse, so give it back to the system (a daemon following
            // 10,000 pipelines otherwise keeps the peak of its first pass for good).
            if report.outcome == .applied, !report.alreadyJudged { MemoryTrim.giveBack() }
        } catch {
            // Stopping: a fetch abandoned mid-way says nothing about the source.
            if Task.isCancelled { return }
            result = .failed(error)
            record.sourceFailures += 1
            record.sourceError = error.description
            record.lastReconcile = ReconcilePass(failure: error, live: record.lastReconcile?.live, finishedAt: Date(), duration: ContinuousClock.now - started)
            let wait = Self.delay(interval: interval, failures: record.sourceFailures, jitter: 0)
            logger.error("reconcile failed; what is live keeps running", metadata: [
                "error": "\(error.description)", "failures": "\(record.sourceFailures)", "nextInSeconds": "\(Int(wait))",
            ])
        }
        record.reconcileCount += 1
        record.lastReconcileAt = Date()
        await save()
        observe(result, took: ContinuousClock.now - started)
        // After the status row is saved: whoever waited for this pass reads the store next.
        progress.passFinished(index, result, at: record.lastReconcileAt ?? Date())
    }

    /// Counts the pass in the daemon's metrics.
    private func observe(_ result: ReconcilePassResult, took: Duration) {
        switch result {
        case .reconciled(let report):
            // A commit judged before and applied then changes nothing now; a rejected one
            // still means the branch points at a rejected commit, so it stays `rejected`.
            let outcome = report.alreadyJudged && report.outcome == .applied ? "unchanged" : report.outcome.rawValue
            metrics.reconcilePass(outcome: outcome, took: took, newlyRejected: report.outcome == .rejected && !report.alreadyJudged, fetchFailed: false)
        case .failed(let error):
            metrics.reconcilePass(outcome: "failed", took: took, newlyRejected: false, fetchFailed: error.stage == .fetch)
        }
    }
}

/// glibc's `malloc_trim`, looked up at run time (its header is not in Swift's Glibc module).
enum MemoryTrim {
    private typealias Trim = @convention(c) (Int) -> Int32
    private static let address: UInt = dlsym(nil, "malloc_trim").map { UInt(bitPattern: $0) } ?? 0

    /// Returns the free memory at the top of and between the heaps to the system.
    static func giveBack() {
        guard address != 0, let pointer = UnsafeRawPointer(bitPattern: address) else { return }
        _ = unsafeBitCast(pointer, to: Trim.self)(0)
    }
}
