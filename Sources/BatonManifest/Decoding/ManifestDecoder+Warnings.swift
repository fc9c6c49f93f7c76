import Foundation

/// What is legal but almost surely not what the author meant. Only looked for in files without
/// errors, where the values can be trusted.
extension ManifestDecoder {
    /// A fixed reference instant: warnings must not depend on when validation runs.
    static let warningReference = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
    static let utc = TimeZones.named("UTC")!

    mutating func warnings(_ pipeline: Pipeline, members: JSONNodeMembers, tasks decoded: DecodedTasks) {
        func offset(_ key: StaticString) -> Int { members.first { $0.keyIs(key) }?.value.offset ?? 0 }

        if let timeout = pipeline.timeout, let schedule = pipeline.schedule, schedule.concurrency == .forbid,
            timeout.milliseconds > 60_000, let gap = Self.shortestGap(schedule.schedule), timeout.milliseconds > gap.milliseconds
        {
            report(
                .timeoutExceedsInterval,
                "run timeout \(timeout) is longer than the \(gap) between fire times; with concurrency \"forbid\" a run that uses it makes the next slots be skipped",
                at: offset("timeout"), severity: .warning, pointer: "/timeout")
        }
        if let delay = pipeline.defaults.retryDelay, let cap = pipeline.defaults.retryMaxDelay, cap < delay {
            report(.retryDelayCapped, "retryMaxDelay \(cap) is shorter than retryDelay \(delay), so every retry waits \(cap)",
                   at: offset("defaults"), severity: .warning, pointer: "/defaults/retryMaxDelay")
        }
        for (i, task) in pipeline.tasks.enumerated() {
            let source = decoded.sources[i]
            let settings = task.settings.inheriting(from: pipeline.defaults)
            if task.when == .failure, task.needs.isEmpty {
                report(.unreachableTask, "task \"\(task.id)\" runs only when one of its needs fails, but it has no needs, so it never runs",
                       at: source.offset, severity: .warning, pointer: "/tasks/\(source.index)/when")
            }
            if let runTimeout = pipeline.timeout, let taskTimeout = settings.timeout, taskTimeout > runTimeout {
                report(.timeoutExceedsRun, "task \"\(task.id)\" may take \(taskTimeout), longer than the whole run's timeout \(runTimeout)",
                       at: source.offset, severity: .warning, pointer: "/tasks/\(source.index)/timeout")
            }
            if task.settings.retryDelay != nil || task.settings.retryMaxDelay != nil,
                let delay = settings.retryDelay, let cap = settings.retryMaxDelay, cap < delay
            {
                report(.retryDelayCapped, "task \"\(task.id)\": retryMaxDelay \(cap) is shorter than retryDelay \(delay), so every retry waits \(cap)",
                       at: source.offset, severity: .warning, pointer: "/tasks/\(source.index)/retryMaxDelay")
            }
        }
    }

    /// The shortest time between two consecutive fires, sampled over the first four fires
    /// after a fixed instant: enough to see daily, hourly, weekday and twice-a-month patterns
    /// while keeping validation cheap (this runs for every manifest with a run timeout).
    /// Cron gaps are taken in UTC: the pattern of gaps is the zone's, give or take a
    /// daylight-saving hour, and UTC avoids zone arithmetic for every manifest.
    static func shortestGap(_ schedule: Schedule) -> ManifestDuration? {
        var schedule = schedule
        switch schedule {
        case .every(let interval, _): return interval
        case .cron(let expression, _): schedule = .cron(expression, timeZone: utc)
        }
        var shortest: TimeInterval = .infinity
        guard var previous = schedule.nextFireTime(after: warningReference) else { return nil }
        for _ in 0..<3 {
            guard let next = schedule.nextFireTime(after: previous) else { break }
            shortest = min(shortest, next.timeIntervalSince(previous))
            previous = next
        }
        guard shortest.isFinite else { return nil }
        return ManifestDuration(milliseconds: Int64(shortest * 1000))
    }
}
