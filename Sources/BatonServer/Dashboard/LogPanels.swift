import BatonDashboard
import BatonOperations
import Foundation

/// The run page's log panels: each attempt's tail, read now, and where its live stream
/// continues.
enum LogPanels {
    /// The most of a log a page shows; a longer one shows its end.
    static let tailBytes = 64 * 1024
    /// Pages list at most this many logs (a run with hundreds of attempts stays a page).
    static let maxPanels = 60

    static func read(_ detail: RunDetail, operations: Operations, routes: DashboardRoutes) async throws -> [LogPanel] {
        let order = Dictionary(detail.tasks.enumerated().map { ($0.element.task.id, $0.offset) }, uniquingKeysWith: { first, _ in first })
        let attempts = (detail.run.attempts ?? [])
            .filter { $0.hasLog }
            .sorted { a, b in
                let (x, y) = (order[a.task] ?? Int.max, order[b.task] ?? Int.max)
                return x != y ? x < y : a.task != b.task ? a.task < b.task : a.attempt > b.attempt
            }
            .prefix(maxPanels)
        var panels: [LogPanel] = []
        for attempt in attempts {
            panels.append(try await panel(run: detail.run.id, attempt, operations: operations, routes: routes))
        }
        return panels
    }

    static func panel(run: Int64, _ attempt: AttemptInfo, operations: Operations, routes: DashboardRoutes) async throws -> LogPanel {
        var request = LogRequest(run: run, task: attempt.task, attempt: attempt.attempt, offset: 0, limit: tailBytes)
        var chunk = try await operations.log(request)
        var truncated = false
        if chunk.nextOffset < chunk.size {
            // Longer than a page: read its end, from the first line that starts there.
            request.offset = chunk.size - UInt64(tailBytes)
            chunk = try await operations.log(request)
            truncated = true
        }
        var bytes = chunk.bytes[...]
        var start = chunk.offset
        if truncated, let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
            start += UInt64(newline + 1 - bytes.startIndex)
            bytes = bytes[(newline + 1)...]
        }
        // A running attempt may be mid-line: show whole lines, and stream from the cut.
        if !chunk.ended, let newline = bytes.lastIndex(of: UInt8(ascii: "\n")) {
            bytes = bytes[...newline]
        } else if !chunk.ended {
            bytes = bytes[bytes.startIndex..<bytes.startIndex]
        }
        let end = start + UInt64(bytes.count)
        let state = DashboardState(chunk.state.rawValue)
        let stream = chunk.ended ? nil : routes.logStream(run: run, task: attempt.task, attempt: attempt.attempt, offset: Int(end))
        return LogPanel(task: attempt.task, attempt: attempt.attempt, state: state, lines: LogLineText.lines(bytes), truncated: truncated, streamURL: stream)
    }
}
