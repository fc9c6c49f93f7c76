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
    let processes = ProcessRunner()
    let http: HTTPTaskRunner
    let progress: @Sendable (ProgressEvent) -> Void
    let jitter: @Sendable () -> Double
    let now: @Sendable () -> Date

    public init(
        store: any StateStore, stateDirectory: String, workers: Int = 4, secrets: SecretResolver? = nil,
        http: HTTPTaskRunner = HTTPTaskRunner(),
        progress: @escaping @Sendable (ProgressEvent) -> Void = { _ in },
        jitter: @escaping @Sendable () -> Double = { Double.random(in: -1...1) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.stateDirectory = stateDirectory
        self.workers = WorkerPool(limit: workers)
        self.secrets = secrets ?? SecretResolver(stateDirectory: stateDirectory)
        self.http = http
        self.progress = progress
        self.jitter = jitter
        self.now = now
    }

    /// How `baton cancel` marks a run it asked to stop, in the run's `reason`.
    public static let cancelPrefix = "cancel requested"

    /// Where a run keeps its workspace and logs.
    public func runDirectory(_ runID: Int64) -> String { "\(stateDirectory)/runs/\(runID)" }

    /// Records a new queued run, then runs it to the end.
    public func execute(_ request: RunRequest) async throws -> RunResult {
        // Recorded as running from the start: one write fewer per run, and still written
        // before any task starts.
        let start = now()
        let created = try await store.createRun(RunRecord(
            pipeline: request.pipeline.name, versionID: request.versionID, scheduledAt: request.scheduledAt,
            trigger: request.trigger, state: .running, parameters: request.parameters, createdAt: start,
            startedAt: start, retryOf: request.resume?.run.id))
        guard created.created else {
            throw EngineError(.io, "run \(created.run.id ?? 0) already holds the slot \(request.scheduledAt.map(RFC3339.utcString) ?? "")")
        }
        return try await execute(request, run: created.run)
    }

    /// Runs an already recorded run.
    public func execute(_ request: RunRequest, run queued: RunRecord) async throws -> RunResult {
        var run = queued
        guard let runID = run.id else { throw EngineError(.io, "the run has no id; record it first") }
        if run.state != .running || run.startedAt == nil {
            run.state = .running
            run.startedAt = now()
            try await store.updateRun(run)
        }
        let workspace = "\(runDirectory(runID))/workspace"
        // Two mkdir calls in the usual case; the intermediate folders only the first time.
        if mkdir(runDirectory(runID), 0o755) != 0 || mkdir(workspace, 0o755) != 0 {
            do {
                try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
            } catch {
                throw EngineError(.io, "cannot create the workspace \(workspace): \(error.localizedDescription)")
            }
        }

        let kept = try await keptResults(request, runID: runID)
        let context = RunContext(request: request, runID: runID, workspace: workspace)
        let timedOut = Flag()
        let dag = Task { try await self.runDAG(context, kept: kept) }
        var timer: Task<Void, Never>?
        if let limit = request.pipeline.timeout {
            timer = Task {
                guard (try? await Task.sleep(for: .milliseconds(limit.milliseconds))) != nil else { return }
                timedOut.set()
                dag.cancel()
            }
        }
        let results = try await withTaskCancellationHandler {
            try await dag.value
        } onCancel: {
            dag.cancel()
        }
        timer?.cancel()

        var states: [String: TaskState] = [:]
        for (id, result) in results { states[id] = result.state }
        // One transaction reads a cancel request `baton cancel` may have left and ends the run.
        let tasks = request.pipeline.tasks
        let cancelled = Task.isCancelled && !timedOut.isSet
        let timeoutReason = timedOut.isSet ? "the pipeline's timeout of \(request.pipeline.timeout!) expired" : nil
        let finishedAt = now()
        let finalStates = states
        run = try await store.updateRun(id: runID) { stored in
            let cancelRequest = stored.reason.flatMap { $0.hasPrefix(Self.cancelPrefix) ? $0 : nil }
            stored.state = RunRules.runState(tasks: tasks, states: finalStates, cancelled: cancelled || cancelRequest != nil, timedOut: timeoutReason != nil)
            stored.reason = cancelRequest ?? timeoutReason ?? stored.reason
            stored.finishedAt = finishedAt
        }
        return RunResult(run: run, tasks: request.pipeline.tasks.map { results[$0.id] ?? TaskResult(id: $0.id, state: .skipped) })
    }

    /// For a retry: the tasks of the failed run that succeeded keep their results (recorded
    /// in the new run as attempt 0, outputs included).
    private func keptResults(_ request: RunRequest, runID: Int64) async throws -> [String: TaskResult] {
        guard let resume = request.resume, let oldID = resume.run.id else { return [:] }
        var last: [String: TaskAttemptRecord] = [:]
        for attempt in resume.attempts { last[attempt.taskID] = attempt }
        var kept: [String: TaskResult] = [:]
        for task in request.pipeline.tasks {
            guard let attempt = last[task.id], attempt.state == TaskState.succeeded.rawValue || attempt.state == TaskState.cached.rawValue else { continue }
            _ = try await store.insertAttempt(TaskAttemptRecord(
                runID: runID, taskID: task.id, attempt: 0, state: attempt.state, startedAt: attempt.startedAt,
                finishedAt: attempt.finishedAt, exitCode: attempt.exitCode, reason: "kept from run \(oldID)", outputs: attempt.outputs,
                logPath: attempt.logPath))
            kept[task.id] = TaskResult(id: task.id, state: TaskState(rawValue: attempt.state) ?? .succeeded, outputs: attempt.outputs, reason: "kept from run \(oldID)")
        }
        return kept
    }

    /// Starts every task whose needs have finished, as slots allow, until none is left.
    private func runDAG(_ context: RunContext, kept: [String: TaskResult]) async throws -> [String: TaskResult] {
        let pipeline = context.request.pipeline
        let maxParallel = pipeline.maxParallel ?? Int.max
        var results = kept
        var launched = Set(kept.keys)
        return try await withThrowingTaskGroup(of: TaskResult.self) { group in
            var inFlight = 0
            while true {
                var changed = true
                scan: while changed {
                    changed = false
                    for task in pipeline.tasks where !launched.contains(task.id) {
                        guard task.needs.allSatisfy({ results[$0]?.state.isTerminal == true }) else { continue }
                        if Task.isCancelled {
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
                        if inFlight >= maxParallel { break scan }
                        launched.insert(task.id)
                        inFlight += 1
                        group.addTask { try await self.runTask(task, context: context, upstream: upstream) }
                    }
                }
                guard let finished = try await group.next() else { break }
                inFlight -= 1
                results[finished.id] = finished
                progress(ProgressEvent(runID: context.runID, task: finished.id, kind: .finished(finished)))
                // `baton cancel` from another process leaves its request on the run and
                // signals the running processes; nothing new starts after it.
                let waiting = pipeline.tasks.contains { !launched.contains($0.id) }
                if waiting, !Task.isCancelled, try await store.run(id: context.runID)?.reason?.hasPrefix(Self.cancelPrefix) == true {
                    group.cancelAll()
                    withUnsafeCurrentTask { $0?.cancel() }
                }
            }
            return results
        }
    }

    /// Records a task that never started (skipped or cancelled) as an attempt without a
    /// process, so the store tells the whole story of the run.
    private func record(_ result: TaskResult, _ context: RunContext) async throws -> TaskResult {
        _ = try await store.insertAttempt(TaskAttemptRecord(runID: context.runID, taskID: result.id, attempt: 0, state: result.state.rawValue, finishedAt: now(), reason: result.reason))
        progress(ProgressEvent(runID: context.runID, task: result.id, kind: .finished(result)))
        return result
    }
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
