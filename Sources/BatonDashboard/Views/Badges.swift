import Foundation

/// Small pieces shared by the pipelines and pipeline pages.
enum Badges {
    /// Why a pipeline does not fire, in words: the badge says who and the title says why.
    static func suspension(_ suspension: Suspension, isRetired: Bool, chrome: PageChrome) -> HTML {
        var parts = HTML.empty
        if isRetired { parts += "<span class=\"badge\">retired</span> " }
        if suspension.byManifest {
            parts += "<span class=\"badge warn\" title=\"suspend: true in the manifest; lifted by a commit\">suspended by manifest</span> "
        }
        if let hold = suspension.byOperator {
            var title = "suspended by \(hold.actor)"
            if let since = hold.since { title += " since \(DashboardTime.local(since, in: chrome.timeZone))" }
            if let reason = hold.reason, !reason.isEmpty { title += ": \(reason)" }
            let reason: HTML = hold.reason.map { $0.isEmpty ? .empty : " <span class=\"muted\">(\($0))</span>" } ?? .empty
            parts += "<span class=\"badge warn\" title=\"\(title)\">suspended by \(hold.actor)</span>\(reason) "
        }
        if parts == .empty { parts = "<span class=\"muted\">\(isRetired ? "retired" : "active")</span>" }
        return parts
    }

    /// Airflow's grid: one square per run, oldest to newest, each a link with its state,
    /// trigger and slot in the tooltip and for screen readers.
    static func runGrid(_ runs: [RunSquare], zone: TimeZone, routes: DashboardRoutes) -> HTML {
        guard !runs.isEmpty else { return "<span class=\"muted\">no runs yet</span>" }
        var squares = HTML.empty
        for run in runs {
            var title = "run \(run.id): \(run.state.label), \(run.trigger)"
            if let slot = run.slot {
                title += ", slot \(DashboardTime.local(slot, in: zone))"
            } else if let created = run.createdAt {
                title += ", queued \(DashboardTime.local(created, in: zone))"
            }
            squares += "<a class=\"sq \(run.state.cssClass)\" href=\"\(routes.run(run.id))\" title=\"\(title)\" aria-label=\"\(title)\" data-run=\"\(run.id)\" data-state=\"\(run.state.rawValue)\"></a>"
        }
        return "<div class=\"grid\" title=\"Last runs, oldest first\">\(squares)</div>"
    }

    /// How long a run or attempt took, or has taken so far.
    static func duration(started: Date?, finished: Date?, now: Date, active: Bool) -> HTML {
        guard let started else { return "<span class=\"muted\">—</span>" }
        if let finished { return "\(DashboardTime.duration(finished.timeIntervalSince(started)))" }
        guard active else { return "<span class=\"muted\">—</span>" }
        return "\(DashboardTime.duration(now.timeIntervalSince(started))) <span class=\"muted\">so far</span>"
    }

    /// The first 12 characters of a commit id, with the whole id in the tooltip.
    static func commit(_ id: String) -> HTML {
        "<code title=\"\(id)\">\(String(id.prefix(12)))</code>"
    }
}
