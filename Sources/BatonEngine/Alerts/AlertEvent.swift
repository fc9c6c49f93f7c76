import BatonManifest
import Foundation

/// One thing worth telling a person about a pipeline: a run failed or succeeded, a task
/// will be retried, a slot was missed, a run is late.
///
/// Everything a receiver needs to act without opening Baton: which pipeline and run, what
/// happened, when the run was due, which commit (and whose) it ran, and for failures the
/// failing task and the last lines of its log.
public struct AlertEvent: Sendable, Hashable {
    public var event: Alert.Event
    public var pipeline: String
    public var runID: Int64?
    /// The run's state (`failed`, `succeeded`, `running`, `missed`…).
    public var state: String
    public var scheduledTime: Date?
    public var commit: String?
    /// `Name <email>` of the commit's author.
    public var author: String?
    /// The task that failed (or is retried).
    public var task: String?
    public var reason: String?
    /// The last lines of the failing task's log, secrets already redacted by the log.
    public var logTail: [String]

    public init(event: Alert.Event, pipeline: String, runID: Int64?, state: String, scheduledTime: Date?, commit: String?, author: String?, task: String? = nil, reason: String? = nil, logTail: [String] = []) {
        self.event = event
        self.pipeline = pipeline
        self.runID = runID
        self.state = state
        self.scheduledTime = scheduledTime
        self.commit = commit
        self.author = author
        self.task = task
        self.reason = reason
        self.logTail = logTail
    }

    /// One message that reads well in Slack and Mattermost (both render `*bold*` and
    /// backticks): what happened first, then the context.
    public var text: String {
        let run = runID.map { "run \($0)" } ?? "a run"
        var headline: String
        switch event {
        case .failure: headline = ":x: *\(pipeline)*: \(run) \(state == "timedOut" ? "timed out" : state)"
        case .success: headline = ":white_check_mark: *\(pipeline)*: \(run) succeeded"
        case .retry: headline = ":repeat: *\(pipeline)*: \(run) retries task `\(task ?? "?")`"
        case .missed: headline = ":warning: *\(pipeline)*: a slot was missed"
        case .late: headline = ":hourglass: *\(pipeline)*: \(run) is late (still \(state))"
        }
        if event == .failure, let task { headline += " at task `\(task)`" }
        if let reason { headline += ": \(reason)" }
        var lines = [headline]
        var context: [String] = []
        if let scheduledTime { context.append("scheduled for \(RFC3339.utcString(scheduledTime))") }
        if let commit { context.append("commit `\(commit.prefix(12))`" + (author.map { " by \($0)" } ?? "")) }
        if !context.isEmpty { lines.append(context.joined(separator: ", ")) }
        if !logTail.isEmpty { lines.append("```\n" + logTail.joined(separator: "\n") + "\n```") }
        return lines.joined(separator: "\n")
    }

    /// The webhook body: `text` for chat tools, the fields for anything that parses them.
    public var json: Data {
        var object: [String: Any] = [
            "text": text, "event": event.rawValue, "pipeline": pipeline, "state": state,
        ]
        object["run"] = runID.map { NSNumber(value: $0) } ?? NSNull()
        object["scheduledTime"] = scheduledTime.map(RFC3339.utcString) ?? NSNull()
        object["commit"] = commit ?? NSNull()
        object["author"] = author ?? NSNull()
        object["task"] = task ?? NSNull()
        object["reason"] = reason ?? NSNull()
        object["logTail"] = logTail
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }

    /// What a `command` alert sees, besides `PATH`, `HOME` and `LANG`.
    public var environment: [String: String] {
        var values = [
            "BATON_ALERT_EVENT": event.rawValue,
            "BATON_ALERT_PIPELINE": pipeline,
            "BATON_ALERT_RUN": runID.map(String.init) ?? "",
            "BATON_ALERT_STATE": state,
            "BATON_ALERT_SCHEDULED_TIME": scheduledTime.map(RFC3339.utcString) ?? "",
            "BATON_ALERT_COMMIT": commit ?? "",
            "BATON_ALERT_AUTHOR": author ?? "",
            "BATON_ALERT_TASK": task ?? "",
            "BATON_ALERT_REASON": reason ?? "",
            "BATON_ALERT_TEXT": text,
        ]
        values["BATON_ALERT_LOG"] = logTail.joined(separator: "\n")
        return values
    }
}
