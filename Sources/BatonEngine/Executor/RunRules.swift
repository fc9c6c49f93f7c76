import BatonManifest
import BatonStore

/// The rules that decide, from the states of tasks, whether a task runs and how a run ends.
/// Pure functions, so docs/tasks.md and the tests can hold them to one definition.
public enum RunRules {
    /// Whether a task whose needs have all finished should start, by its `when`:
    /// `success` needs every need succeeded or cached; `failure` needs at least one failed
    /// or timed out; `always` starts whatever happened.
    public static func triggerHolds(_ trigger: PipelineTask.Trigger, needs: [TaskState]) -> Bool {
        switch trigger {
        case .success: needs.allSatisfy(\.isSuccess)
        case .failure: needs.contains(where: \.isFailure)
        case .always: true
        }
    }

    /// Whether a task's `if` holds, against the run's parameters and its upstream outputs.
    /// A missing parameter or output is the empty string.
    public static func conditionHolds(_ condition: TaskCondition?, parameters: [String: String], outputs: [String: [String: String]]) -> Bool {
        guard let condition else { return true }
        let value: String
        switch condition.subject {
        case .parameter(let name): value = parameters[name] ?? ""
        case .output(let task, let key): value = outputs[task]?[key] ?? ""
        }
        switch condition.test {
        case .equals(let expected): return value == expected
        case .notEquals(let other): return value != other
        case .isIn(let allowed): return allowed.contains(value)
        }
    }

    /// How a run ends, from its tasks.
    ///
    /// - `cancelled` when it was cancelled, `timedOut` when the pipeline's timeout expired;
    /// - otherwise `failed` when a task failed or timed out and was not *handled*: a failed
    ///   task is handled when a task that needs it directly has `when: failure` and
    ///   succeeded (a clean-up or fallback that did its job);
    /// - otherwise `succeeded` (skipped tasks do not fail a run).
    public static func runState(tasks: [PipelineTask], states: [String: TaskState], cancelled: Bool, timedOut: Bool) -> RunRecord.State {
        if cancelled { return .cancelled }
        if timedOut { return .timedOut }
        for task in tasks where states[task.id]?.isFailure == true {
            let handled = tasks.contains { other in
                other.when == .failure && other.needs.contains(task.id) && states[other.id]?.isSuccess == true
            }
            if !handled { return .failed }
        }
        return .succeeded
    }

    /// The delay before attempt `next` (2, 3, …): `retryDelay × retryBackoff^(next−2)`, capped
    /// by `retryMaxDelay`, then ±10 % jitter (`jitter` in -1…1, so tests can pin it).
    public static func retryDelay(beforeAttempt next: Int, settings: TaskSettings, jitter: Double) -> Duration {
        let base = settings.retryDelay?.seconds ?? 0
        let backoff = settings.retryBackoff ?? 1
        var seconds = base * pow(backoff, Double(max(0, next - 2)))
        if let cap = settings.retryMaxDelay?.seconds { seconds = min(seconds, cap) }
        seconds *= 1 + 0.1 * max(-1, min(1, jitter))
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}

import Foundation
