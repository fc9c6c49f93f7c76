import BatonManifest
import BatonStore
import Foundation

/// Runs pipelines: one DAG per run, tasks as processes or HTTP calls, with retries,
/// timeouts, caching, outputs and logs, every step recorded in the store.
///
/// Durable by ordering: the run and each attempt are written before anything starts, and the
/// result after it ends, so a killed executor leaves runs and attempts that say `running`
/// (settled at the next start), never ones that claim an end that did not happen.
public final class RunExecutor: Sendable {
    public let store: any StateStore
    public let stateDirectory: String
    /// The `--workers` limit, across every run this executor runs.
    public let workers: WorkerPool
    let secrets: SecretResolver
    /// Who process tasks run as; nil for Baton's own user (see `TaskUser`).
    public let taskUser: TaskUser?
    let processes = ProcessRunner()
    let http: HTTPTaskRunner
    let progress: @Sendable (ProgressEvent) -> Void
    let jitter: @Sendable () -> Double
    let now: @Sendable () -> Date

    public init(
        store: any StateStore, stateDirectory: String, workers: Int = 4, secrets: SecretResolver? = nil, taskUser: TaskUser? = nil,
        http: HTTPTaskRunner = HTTPTaskRunner(),
        progress: @escaping @Sendable (ProgressEvent) -> Void = { _ in },
        queueDepth: @escaping @Sendable (Int) -> Void = { _ in },
        jitter: @escaping @Sendable () -> Double = { Double.random(in: -1...1) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.stateDirectory = stateDirectory
        self.workers = WorkerPool(limit: workers, observe: queueDepth)
        self.secrets = secrets ?? SecretResolver(stateDirectory: stateDirectory)
        self.taskUser = taskUser
        self.http = http
        self.progress = progress
        self.jitter = jitter
        self.now = now
    }

    /// How `baton cancel` marks a run it asked to stop, in the run's `reason`.
    public static let cancelPrefix = "cancel requested"

    /// A run's workspace: `<state>/runs/<run>`. Its logs lie beside it, one file per
    /// attempt (`<run>.<task>.<attempt>.log`), so a run costs one new folder; creating
    /// folders was a large part of a short run's bookkeeping.
    public func runDirectory(_ runID: Int64) -> String { "\(stateDirectory)/runs/\(runID)" }

    /// The log (and `.out` outputs file) path of one attempt, without the extension.
    func attemptPath(_ runID: Int64, _ taskID: String, _ attempt: Int) -> String {
        "\(stateDirectory)/runs/\(runID).\(taskID).\(attempt)"
    }

    /// Records a new queued run, then runs it to the end.
    public func execute(_ request: RunRequest) async throws -> RunResult {
        // Recorded as running from the start: one write fewer per run, and still written
        // before any task starts.
        let start = now()
        let created = try await store.createRun(RunRecord(
            pipeline: request.pipeline.name, versionID: request.versionID, scheduledAt: request.scheduledAt,
            trigger: request.trigger, state: .running, parameters: request.parameters, createdAt: start,
            startedAt: start, retryOf: request.resume?.run.id,
            ownerPid: Int(ProcessIdentity.current.pid), ownerStartTime: ProcessIdentity.current.startTime,
            manifestPath: request.manifestPath, taskSpecHashes: request.manifestPath == nil ? [:] : TaskSpecs.hashes(request.taskSpecs)))
        guard created.created else {
            throw EngineError(.io, "run \(created.run.id ?? 0) already holds the slot \(request.scheduledAt.map(RFC3339.utcString) ?? "")")
        }
        return try await execute(request, run: created.run)
    }

    /// Runs an already recorded run.
    public func execute(_ request: RunRequest, run queued: RunRecord) async throws -> RunResult {
        var run = queued
        guard let runID = run.id else { throw EngineError(.io, "the run has no id; record it first") }
        let me = ProcessIdentity.current
        if run.state != .running || run.startedAt == nil || run.ownerPid != Int(me.pid) || run.ownerStartTime != me.startTime {
            run.state = .running
            run.startedAt = run.startedAt ?? now()
            run.ownerPid = Int(me.pid)
            run.ownerStartTime = me.startTime
            try await store.updateRun(run)
        }
        let workspace = runDirectory(runID)
        // One mkdir call in the usual case; the intermediate folders only the first time.
        // Private whatever the umask: only the run's tasks have business in it.
        if mkdir(workspace, 0o700) != 0, errno != EEXIST {
            do {
                try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw EngineError(.io, "cannot create the workspace \(workspace): \(error.localizedDescription)")
            }
        }
        // The tasks' `HOME` and `BATON_WORKSPACE`: the task user's to write.
        try taskUser?.giveDirectory(workspace)

        let kept = request.continuing.isEmpty ? try await keptResults(request, runID: runID) : Self.continuedResults(request)
        let context = RunContext(request: request, runID: runID, workspace: workspace)
        let timedOut = Flag()
        let outcome: ([String: TaskResult], TaskAttemptRecord?)
        if let limit = request.pipeline.timeout {
            // The DAG in a task of its own, so the pipeline's timeout can cancel it.
            let dag = Task { try await self.runDAG(context, kept: kept.results, nextAttempts: kept.nextAttempts) }
            let timer = Task {
                guard (try? await Task.sleep(for: .milliseconds(limit.milliseconds))) != nil else { return }
                timedOut.set()
                dag.cancel()
            }
            outcome = try await withTaskCancellationHandler {
                try await dag.value
            } onCancel: {
                dag.cancel()
            }
            timer.cancel()
        } else {
            // Without a timeout the DAG runs right here, one task hop fewer per run.
            outcome = try await runDAG(context, kept: kept.results, nextAttempts: kept.nextAttempts)
        }

        let (results, unsaved) = outcome
        var states: [String: TaskState] = [:]
        for (id, result) in results { states[id] = result.state }
        // One transaction reads a cancel request `baton cancel` may have left and ends the run.
        let tasks = request.pipeline.tasks
        let cancelled = Task.isCancelled && !timedOut.isSet
        let timeoutReason = timedOut.isSet ? "the pipeline's timeout of \(request.pipeline.timeout!) expired" : nil
        let finishedAt = now()
        let finalStates = states
        // The last task's result is written in the same transaction (one write fewer).
        run = try await store.updateRun(id: runID, saving: unsaved.map { [$0] } ?? []) { stored in
            let cancelRequest = stored.reason.flatMap { $0.hasPrefix(Self.cancelPrefix) ? $0 : nil }
            stored.state = RunRules.runState(tasks: tasks, states: finalStates, cancelled: cancelled || cancelRequest != nil, timedOut: timeoutReason != nil)
            stored.reason = cancelRequest ?? timeoutReason ?? stored.reason
            stored.finishedAt = finishedAt
        }
        // The run is over: its workspace is closed to later tasks of the task user.
        try taskUser?.reclaim(workspace)
        return RunResult(run: run, tasks: request.pipeline.tasks.map { results[$0.id] ?? TaskResult(id: $0.id, state: .skipped) })
    }

    /// For a retry: the tasks of the failed run that succeeded keep their results (recorded
    /// in the new run as attempt 0, outputs included).
    private func keptResults(_ request: RunRequest, runID: Int64) async throws -> (results: [String: TaskResult], nextAttempts: [String: Int]) {
        guard let resume = request.resume, let oldID = resume.run.id else { return ([:], [:]) }
        var last: [String: TaskAttemptRecord] = [:]
        for attempt in resume.attempts { last[attempt.taskID] = attempt }
        var kept: [String: TaskResult] = [:]
        for task in request.pipeline.tasks {
            guard let attempt = last[task.id], attempt.state == TaskState.succeeded || attempt.state == TaskState.cached else { continue }
            _ = try await store.insertAttempt(TaskAttemptRecord(
                runID: runID, taskID: task.id, attempt: 0, state: attempt.state, startedAt: attempt.startedAt,
                finishedAt: attempt.finishedAt, exitCode: attempt.exitCode, reason: "kept from run \(oldID)", outputs: attempt.outputs,
                logPath: attempt.logPath))
            kept[task.id] = TaskResult(id: task.id, state: attempt.state, outputs: attempt.outputs, reason: "kept from run \(oldID)")
        }
        return (kept, [:])
    }

    /// The reason recovery records on an attempt whose process died with the daemon.
    public static let interruptedReason = "interrupted"

    /// For a run taken up again in place (`continuing`): every task whose last attempt ended
    /// keeps that result, except an interrupted attempt with retries left, whose task goes
    /// on at its next attempt number.
    static func continuedResults(_ request: RunRequest) -> (results: [String: TaskResult], nextAttempts: [String: Int]) {
        var last: [String: TaskAttemptRecord] = [:]
        for attempt in request.continuing where attempt.attempt >= (last[attempt.taskID]?.attempt ?? -1) {
            last[attempt.taskID] = attempt
        }
        var results: [String: TaskResult] = [:]
        var next: [String: Int] = [:]
        for task in request.pipeline.tasks {
            guard let attempt = last[task.id], attempt.state.isTerminal else { continue }
            let allowed = (task.settings.inheriting(from: request.pipeline.defaults).retries ?? 0) + 1
            if attempt.reason == interruptedReason, attempt.attempt < allowed {
                next[task.id] = attempt.attempt + 1
                continue
            }
            results[task.id] = TaskResult(
                id: task.id, state: attempt.state, attempts: attempt.attempt, exitCode: attempt.exitCode.map(Int32.init), outputs: attempt.outputs,
                reason: attempt.reason, startedAt: attempt.startedAt, finishedAt: attempt.finishedAt)
        }
        return (results, next)
    }

    /// Starts every task whose needs have finished, as slots allow, until none is left.
    ///
    /// Returns every task's result, and the last finished task's attempt record when it is
    /// still to be written: with nothing left to start after it, it is written together with
    /// the run's end.
    private func runDAG(_ context: RunContext, kept: [String: TaskResult], nextAttempts: [String: Int]) async throws -> ([String: TaskResult], TaskAttemptRecord?) {
        let pipeline = context.request.pipeline
        let maxParallel = pipeline.maxParallel ?? Int.max
        var results = kept
        var launched = Set(kept.keys)
        var unsaved: TaskAttemptRecord?
        return try await withThrowingTaskGroup(of: FinishedTask.self) { group in
            var inFlight = 0
            // Set when `baton cancel` left its request on the run: nothing new starts.
            var cancelRequested = false
            while true {
                var ready: [(PipelineTask, [String: [String: String]], Int)] = []
                var changed = true
                scan: while changed {
                    changed = false
                    for task in pipeline.tasks where !launched.contains(task.id) {
                        guard task.needs.allSatisfy({ results[$0]?.state.isTerminal == true }) else { continue }
                        if Task.isCancelled || cancelRequested {
                            launched.insert(task.id)
                            results[task.id] = try await record(TaskResult(id: task.id, state: .cancelled, reason: "the run ended before this task's turn"), context)
                            changed = true
                            continue
                        }
                        let needs = task.needs.map { results[$0]!.state }
                        let upstream = results.mapValues(\.outputs)
                        if !RunRules.triggerHolds(task.when, needs: needs) {
                            launched.insert(task.id)
                            results[task.id] = try await record(TaskResult(id: task.id, state: .skipped, reason: "when: \(task.when.rawValue) does not hold"), context)
                            changed = true
                            continue
                        }
                        if !RunRules.conditionHolds(task.condition, parameters: context.request.parameters, outputs: upstream) {
                            launched.insert(task.id)
                            results[task.id] = try await record(TaskResult(id: task.id, state: .skipped, reason: "its if does not hold"), context)
                            changed = true
                            continue
                        }
                        if inFlight + ready.count >= maxParallel { break scan }
                        launched.insert(task.id)
                        ready.append((task, upstream, nextAttempts[task.id] ?? 1))
                    }
                }
                let done: FinishedTask
                if inFlight == 0, ready.count == 1 {
                    // Nothing else runs or can become ready before this task ends: run it
                    // right here rather than as a child task (a chain is all such steps).
                    let (task, upstream, first) = ready[0]
                    done = try await runTask(task, context: context, upstream: upstream, firstAttempt: first)
                } else {
                    for (task, upstream, first) in ready {
                        inFlight += 1
                        group.addTask { try await self.runTask(task, context: context, upstream: upstream, firstAttempt: first) }
                    }
                    guard let next = try await group.next() else { break }
                    inFlight -= 1
                    done = next
                }
                let finished = done.result
                results[finished.id] = finished
                let waiting = pipeline.tasks.contains { !launched.contains($0.id) }
                if let record = done.unsaved {
                    // Written before anything that depends on it starts; the very last one
                    // goes with the run's end.
                    if waiting || inFlight > 0 {
                        try await store.updateAttempt(record)
                    } else {
                        unsaved = record
                    }
                }
                progress(ProgressEvent(runID: context.runID, task: finished.id, kind: .finished(finished)))
                // `baton cancel` from another process leaves its request on the run and
                // signals the running processes; nothing new starts after it.
                if waiting, !Task.isCancelled, !cancelRequested, try await store.run(id: context.runID)?.reason?.hasPrefix(Self.cancelPrefix) == true {
                    cancelRequested = true
                    group.cancelAll()
                }
                if !waiting, inFlight == 0 { break }
            }
            return (results, unsaved)
        }
    }

    /// Records a task that never started (skipped or cancelled) as an attempt without a
    /// process, so the store tells the whole story of the run.
    private func record(_ result: TaskResult, _ context: RunContext) async throws -> TaskResult {
        _ = try await store.insertAttempt(TaskAttemptRecord(runID: context.runID, taskID: result.id, attempt: 0, state: result.state, finishedAt: now(), reason: result.reason))
        progress(ProgressEvent(runID: context.runID, task: result.id, kind: .finished(result)))
        return result
    }
}

/// A task that ended, and its last attempt's record if it is still to be written.
struct FinishedTask: Sendable {
    var result: TaskResult
    var unsaved: TaskAttemptRecord?
}

/// What every task of one run shares.
struct RunContext: Sendable {
    var request: RunRequest
    var runID: Int64
    var workspace: String
}

/// A flag set once from one task and read from another.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
