import Foundation

/// The run's attempts on a time axis as inline SVG: one row per task, one bar per attempt,
/// x measured from the run's start, colour by the attempt's state.
///
/// DOM hooks the browser tests rely on: `<svg id="gantt">` and one `<rect class="gantt-bar"
/// data-task data-attempt>` per attempt that has started.
enum GanttView {
    struct Metrics {
        var width = 960.0
        var labelWidth = 150.0
        var rowHeight = 26.0
        var barHeight = 16.0
        var axisHeight = 26.0
        var margin = 12.0
        /// The narrowest bar drawn, so an attempt of a few milliseconds stays visible.
        var minimumBar = 2.0
    }

    /// The time frame the bars are placed on.
    struct Frame: Equatable {
        var start: Date
        var end: Date
        var span: Double { max(end.timeIntervalSince(start), 1) }
    }

    /// From the run's start (or its first attempt's) to its end, or to `now` while anything
    /// still runs: a running attempt's bar grows each time the page is drawn.
    static func frame(runStart: Date?, runEnd: Date?, attempts: [AttemptSummary], now: Date) -> Frame? {
        let started = attempts.compactMap(\.startedAt)
        guard let start = runStart ?? started.min() else { return nil }
        var end = runEnd ?? now
        for attempt in attempts where attempt.startedAt != nil {
            end = max(end, attempt.finishedAt ?? now)
        }
        return Frame(start: min(start, started.min() ?? start), end: end)
    }

    static func render(tasks: [TaskNode], attempts: [AttemptSummary], runStart: Date?, runEnd: Date?, now: Date, metrics m: Metrics = Metrics()) -> HTML {
        guard let frame = frame(runStart: runStart, runEnd: runEnd, attempts: attempts, now: now),
              attempts.contains(where: { $0.startedAt != nil }) else {
            return "<p class=\"muted\">No attempt has started yet.</p>"
        }
        // Rows in the DAG's task order, then any task only the attempts name.
        var rows: [String] = []
        var rowOf: [String: Int] = [:]
        for id in tasks.map(\.id) + attempts.map(\.task) where rowOf[id] == nil {
            rowOf[id] = rows.count
            rows.append(id)
        }
        let plotLeft = m.labelWidth + m.margin
        let plotWidth = m.width - plotLeft - m.margin
        func x(_ date: Date) -> Double { plotLeft + date.timeIntervalSince(frame.start) / frame.span * plotWidth }
        let top = m.margin + m.axisHeight
        let height = top + Double(rows.count) * m.rowHeight + m.margin

        var body = HTML.empty
        for (i, id) in rows.enumerated() {
            let y = top + Double(i) * m.rowHeight
            body += """
            <line class="row-line" x1="\(SVG.number(plotLeft))" x2="\(SVG.number(m.width - m.margin))" y1="\(SVG.number(y + m.rowHeight))" y2="\(SVG.number(y + m.rowHeight))"/>\
            <text x="\(SVG.number(m.margin))" y="\(SVG.number(y + m.rowHeight / 2 + 4))"><title>\(id)</title>\(SVG.fit(id, characters: 20))</text>

            """
        }
        for attempt in attempts.sorted(by: { ($0.task, $0.attempt) < ($1.task, $1.attempt) }) {
            guard let started = attempt.startedAt, let row = rowOf[attempt.task] else { continue }
            let finished = attempt.finishedAt ?? now
            let x0 = x(started)
            let w = max(x(max(finished, started)) - x0, m.minimumBar)
            let y = top + Double(row) * m.rowHeight + (m.rowHeight - m.barHeight) / 2
            let seconds = max(finished.timeIntervalSince(started), 0)
            let ongoing = attempt.finishedAt == nil ? ", still running" : ""
            let exit: String = attempt.exitCode.map { ", exit \($0)" } ?? ""
            body += """
            <rect class="gantt-bar \(attempt.state.cssClass)" data-task="\(attempt.task)" data-attempt="\(attempt.attempt)" data-state="\(attempt.state.rawValue)" \
            x="\(SVG.number(x0))" y="\(SVG.number(y))" width="\(SVG.number(w))" height="\(SVG.number(m.barHeight))" rx="3" fill="\(attempt.state.colors.light)">\
            <title>\(attempt.task) attempt \(attempt.attempt): \(attempt.state.label), \(DashboardTime.duration(seconds))\(ongoing)\(exit)</title></rect>

            """
        }
        let axis = self.axis(span: frame.span, left: plotLeft, width: plotWidth, top: m.margin, bottom: height - m.margin, metrics: m)
        let w = SVG.number(m.width), h = SVG.number(height)
        let states = Set(attempts.filter { $0.startedAt != nil }.map(\.state))
        return """
        <div class="scroll"><svg id="gantt" class="chart" viewBox="0 0 \(w) \(h)" role="img" aria-labelledby="gantt-title">\
        <title id="gantt-title">Timeline: \(attempts.count) attempts over \(DashboardTime.duration(frame.span))</title>
        \(axis)\(body)</svg></div>
        \(DAGView.legend(DashboardState.allCases.filter { states.contains($0) }))
        """
    }

    /// Ticks at a round step (1s, 5s, 1m, 15m, 1h…) chosen for at most about eight labels.
    static func tickStep(span: Double) -> Double {
        let steps: [Double] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400]
        return steps.first { span / $0 <= 8 } ?? (span / 8 / 86400).rounded(.up) * 86400
    }

    private static func axis(span: Double, left: Double, width: Double, top: Double, bottom: Double, metrics m: Metrics) -> HTML {
        let step = tickStep(span: span)
        var ticks = HTML.empty
        var t = 0.0
        while t <= span + 0.001 {
            let x = SVG.number(left + t / span * width)
            ticks += "<line x1=\"\(x)\" x2=\"\(x)\" y1=\"\(SVG.number(top + 16))\" y2=\"\(SVG.number(bottom))\"/><text x=\"\(x)\" y=\"\(SVG.number(top + 11))\" text-anchor=\"middle\">\(DashboardTime.tick(t))</text>"
            t += step
        }
        return "<g class=\"axis\">\(ticks)</g>\n"
    }
}
