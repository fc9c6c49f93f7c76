import BatonManifest
import BatonStore
import Foundation

extension RunExecutor {
    /// One task: a cache hit, or attempts until one succeeds or the retries run out.
    ///
    /// The last attempt's record comes back unwritten in `FinishedTask.unsaved`: the DAG
    /// loop writes it before starting anything that depends on it, or with the run's end.
    func runTask(_ task: PipelineTask, context: RunContext, upstream: [String: [String: String]], firstAttempt: Int = 1) async throws -> FinishedTask {
        let request = context.request
        let settings = task.settings.inheriting(from: request.pipeline.defaults)
        var cacheKey: String?
        if let cache = task.cache {
            do {
                cacheKey = try CacheKey.compute(
                    pipeline: request.pipeline.name, taskSpec: request.taskSpecs[task.id] ?? "", cache: cache,
                    treeRoot: request.treeRoot, parameters: request.parameters)
            } catch {
                return FinishedTask(result: try await finishWithoutProcess(task, context: context, state: .failed, reason: "cache key: \(error.message)"))
            }
            let since = cache.ttl.map { now().addingTimeInterval(-$0.seconds) } ?? .distantPast
            if let key = cacheKey, let hit = try await store.cachedAttempt(pipeline: request.pipeline.name, taskID: task.id, cacheKey: key, since: since) {
                let reason = "cached: run \(hit.runID) attempt \(hit.attempt) had the same key"
                _ = try await store.insertAttempt(TaskAttemptRecord(
                    runID: context.runID, taskID: task.id, attempt: 0, state: TaskState.cached, finishedAt: now(),
                    reason: reason, outputs: hit.outputs, logPath: hit.logPath, cacheKey: key))
                return FinishedTask(result: TaskResult(id: task.id, state: .cached, outputs: hit.outputs, reason: reason))
            }
        }

        let attempts = (settings.retries ?? 0) + 1
        var result = TaskResult(id: task.id, state: .failed)
        var unsaved: TaskAttemptRecord?
        var delay: Duration?
        for attempt in max(1, firstAttempt)...max(attempts, firstAttempt) {
            if let delay {
                try? await Task.sleep(for: delay)
            }
            if Task.isCancelled {
                result.state = .cancelled
                result.reason = "cancelled before attempt \(attempt)"
                break
            }
            do {
                try await workers.acquire()
            } catch {
                // Cancelled (or timed out) while waiting for a worker: stop now, holding none.
                result.state = .cancelled
                result.reason = "cancelled while waiting for a worker"
                if unsaved == nil, attempt == max(1, firstAttempt) {
                    _ = try await store.insertAttempt(TaskAttemptRecord(
                        runID: context.runID, taskID: task.id, attempt: 0, state: TaskState.cancelled, finishedAt: now(),
                        reason: result.reason))
                }
                break
            }
            let retryable: Bool
            let record: TaskAttemptRecord
            do {
                (result, record, retryable) = try await runAttempt(task, attempt: attempt, settings: settings, cacheKey: cacheKey, context: context, upstream: upstream)
            } catch {
                workers.release()
                throw error
            }
            workers.release()
            result.attempts = attempt
            unsaved = record
            guard retryable, attempt < attempts else { break }
            // Written before the retry is announced, so an alert never reports an attempt the
            // store does not have.
            try await store.updateAttempt(record)
            unsaved = nil
            let wait = RunRules.retryDelay(beforeAttempt: attempt + 1, settings: settings, jitter: jitter())
            delay = wait
            progress(ProgressEvent(runID: context.runID, task: task.id, kind: .retrying(failed: result, delay: wait)))
        }
        return FinishedTask(result: result, unsaved: unsaved)
    }

    /// One attempt, recorded before it starts and after it ends, and whether another attempt
    /// could change anything: not after a success or a cancellation, nor when a secret is
    /// missing or refused (a person must act first).
    ///
    /// The result is recorded in the returned attempt record but not written; the caller
    /// writes it (see `runTask`).
    private func runAttempt(_ task: PipelineTask, attempt: Int, settings: TaskSettings, cacheKey: String?, context: RunContext, upstream: [String: [String: String]]) async throws -> (TaskResult, TaskAttemptRecord, retryable: Bool) {
        let request = context.request
        // Beside the workspace, no folder per task: creating directories cost more than the
        // rest of a one-task run's bookkeeping. The process runner creates the log itself.
        let base = attemptPath(context.runID, task.id, attempt)
        let logPath = base + ".log"
        let outputPath = base + ".out"
        let started = now()
        var record = try await store.insertAttempt(TaskAttemptRecord(
            runID: context.runID, taskID: task.id, attempt: attempt, state: TaskState.running, startedAt: started,
            logPath: logPath, cacheKey: cacheKey))
        progress(ProgressEvent(runID: context.runID, task: task.id, kind: .started(attempt: attempt)))

        var result = TaskResult(id: task.id, state: .failed, attempts: attempt, startedAt: started)
        var secretFailed = false
        var revealed: [String] = []
        let resolve: (EnvironmentValue) throws(EngineError) -> String = { value throws(EngineError) in
            switch value {
            case .literal(let text): return text
            case .secret(let name):
                let secret = try self.secrets.resolve(name)
                revealed.append(secret)
                return secret
            }
        }
        do {
            switch task.action {
            case .process(let command):
                let environment = try TaskEnvironment.build(
                    pipeline: request.pipeline, task: task, runID: context.runID, attempt: attempt, scheduledAt: request.scheduledAt,
                    commit: request.commit, workspace: context.workspace, outputPath: outputPath, parameters: request.parameters,
                    upstream: upstream, resolve: resolve)
                let workingDirectory = task.workdir.map { "\(request.treeRoot)/\($0)" } ?? request.treeRoot
                // A task user cannot create files beside the logs: its outputs file is made
                // for it, empty and its own.
                try taskUser?.giveFile(outputPath)
                let spec = ProcessSpec(
                    command: { switch command { case .shell(let text): .shell(text); case .arguments(let argv): .arguments(argv) } }(),
                    workingDirectory: workingDirectory, environment: environment, logPath: logPath,
                    timeout: settings.timeout.map { .milliseconds($0.milliseconds) }, redactions: revealed, user: taskUser)
                let store = self.store
                let attemptRecord = record
                let untracked = UntrackedProcess()
                let outcome = try await processes.run(spec) { pid, startTime in
                    var running = attemptRecord
                    running.pid = Int(pid)
                    running.processStartTime = startTime
                    do {
                        try await store.updateAttempt(running)
                    } catch {
                        // Nothing may run that recovery cannot find: stopped at once.
                        untracked.set("\(error)")
                        kill(-pid, SIGKILL)
                    }
                }
                // The task is over: its outputs file is Baton's again before it is read.
                try taskUser?.reclaim(outputPath)
                record.pid = Int(outcome.pid)
                record.processStartTime = outcome.processStartTime
                record.exitCode = outcome.exitCode.map(Int.init)
                record.signal = outcome.signal.map(Int.init)
                result.exitCode = outcome.exitCode
                // Outputs are kept (the `.out` file, the store) and passed on: none may hold a
                // secret. A downstream task that needs one names it in its own `env`.
                let redactor = Redactor(secrets: revealed)
                try TaskOutputs.redactFile(at: outputPath, with: redactor)
                if let error = untracked.message {
                    result.state = .failed
                    result.reason = "the process's pid could not be recorded, so it was stopped (nothing runs untracked): \(error)"
                } else if let error = outcome.logError {
                    result.state = .failed
                    result.reason = error
                } else if outcome.cancelled {
                    result.state = .cancelled
                    result.reason = "cancelled"
                } else if outcome.timedOut {
                    result.state = .timedOut
                    result.reason = "timed out after \(settings.timeout?.description ?? "its timeout")"
                } else if outcome.succeeded {
                    result.outputs = try TaskOutputs.parse(fileAt: outputPath).mapValues(redactor.redact)
                    result.state = .succeeded
                } else if let signal = outcome.signal {
                    result.reason = "killed by signal \(signal)"
                } else {
                    result.reason = "exited with status \(outcome.exitCode ?? -1)"
                }
            case .http(let spec):
                var headers: [String: String] = [:]
                for header in spec.headers { headers[header.name] = try resolve(header.value) }
                let outcome = await http.run(
                    spec, headers: headers, timeout: settings.timeout.map { .milliseconds($0.milliseconds) }, logPath: logPath,
                    redactor: Redactor(secrets: revealed))
                record.exitCode = outcome.status
                result.state = outcome.succeeded ? .succeeded : (outcome.timedOut ? .timedOut : .failed)
                result.reason = outcome.reason.map { Redactor(secrets: revealed).redact($0) }
                if Task.isCancelled, !outcome.succeeded { result.state = .cancelled }
            }
        } catch {
            result.state = .failed
            result.reason = Redactor(secrets: revealed).redact(error.message)
            if error.code == .secret {
                secretFailed = true
                result.reason = "secret: " + (result.reason ?? "")
            }
        }
        result.finishedAt = now()
        record.state = result.state
        record.finishedAt = result.finishedAt
        record.reason = result.reason
        record.outputs = result.outputs
        return (result, record, !secretFailed && result.state != .succeeded && result.state != .cancelled)
    }

    private func finishWithoutProcess(_ task: PipelineTask, context: RunContext, state: TaskState, reason: String) async throws -> TaskResult {
        _ = try await store.insertAttempt(TaskAttemptRecord(runID: context.runID, taskID: task.id, attempt: 0, state: state, finishedAt: now(), reason: reason))
        return TaskResult(id: task.id, state: state, reason: reason)
    }
}
