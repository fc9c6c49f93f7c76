/// Every pipeline at a glance: schedule, next fire, suspension and the last runs' grid.
enum PipelinesPage {
    static func render(_ model: PipelinesPageModel) -> String {
        let chrome = model.chrome
        let headers = ["Pipeline", "Schedule", "Time zone", "Next fire", "Status", "Last runs"]
        let rows: [[HTML]] = model.pipelines.map { p in
            let zone = p.timeZone ?? chrome.timeZone
            let version: HTML = p.version.map { " <span class=\"muted\">v\($0)</span>" } ?? .empty
            let description: HTML = p.description.map { "<br/><span class=\"muted\">\($0)</span>" } ?? .empty
            return [
                "<a href=\"\(chrome.routes.pipeline(p.name))\" data-pipeline=\"\(p.name)\"><strong>\(p.name)</strong></a>\(version)\(description)",
                p.scheduleText.map { "\($0)" } ?? "<span class=\"muted\">manual only</span>",
                p.timeZone.map { "\($0.identifier)" } ?? "<span class=\"muted\">—</span>",
                p.isRetired ? "<span class=\"muted\">—</span>" : DashboardTime.element(p.nextFire, in: zone),
                Badges.suspension(p.suspension, isRetired: p.isRetired, chrome: chrome),
                Badges.runGrid(p.recentRuns, zone: zone, routes: chrome.routes),
            ]
        }
        let body: HTML = """
        <h1>Pipelines</h1>
        <p class="muted" id="pipeline-counts">\(model.activeCount) active · \(model.retiredCount) retired</p>
        \(Layout.table(headers: headers, rows: rows, caption: "Pipelines", empty: "No pipelines yet: Baton has not applied a commit with manifests."))
        """
        return Layout.page(title: "Pipelines", chrome: chrome, section: .pipelines, body: body)
    }
}
