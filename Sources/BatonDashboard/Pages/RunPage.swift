/// One run: what it is, its graph, its timeline and its logs, and cancel or retry.
enum RunPage {
    static func render(_ model: RunPageModel) -> String {
        let chrome = model.chrome
        let routes = chrome.routes
        let zone = chrome.timeZone
        func fact(_ term: String, _ value: HTML?) -> HTML {
            guard let value else { return .empty }
            return "<dt>\(term)</dt><dd>\(value)</dd>\n"
        }
        let parameters: HTML? = model.parameters.isEmpty ? nil : HTML(joining: model.parameters.sorted { $0.key < $1.key }.map {
            "<code>\($0.key)=\($0.value)</code> " as HTML
        })
        var facts = HTML.empty
        facts += fact("Pipeline", "<a href=\"\(routes.pipeline(model.pipeline))\">\(model.pipeline)</a>\(model.version.map { " <span class=\"muted\">v\($0)</span>" as HTML } ?? .empty)")
        facts += fact("State", Layout.pill(model.state))
        facts += fact("Trigger", "\(model.trigger)")
        facts += fact("Reason", model.reason.map { "\($0)" })
        facts += fact("Retry of", model.retryOf.map { "<a href=\"\(routes.run($0))\">#\($0)</a>" })
        facts += fact("Slot", model.slot.map { DashboardTime.element($0, in: zone) })
        facts += fact("Queued", model.createdAt.map { DashboardTime.element($0, in: zone) })
        facts += fact("Started", DashboardTime.element(model.startedAt, in: zone))
        facts += fact("Finished", DashboardTime.element(model.finishedAt, in: zone))
        facts += fact("Duration", Badges.duration(started: model.startedAt, finished: model.finishedAt, now: chrome.now, active: model.state.isActive))
        facts += fact("Parameters", parameters)

        let body: HTML = """
        <h1><a href="\(routes.pipeline(model.pipeline))">\(model.pipeline)</a> › run #\(model.id) \(Layout.pill(model.state))</h1>
        <section class="panel"><dl class="facts" id="run-facts" data-state="\(model.state.rawValue)">
        \(facts)</dl></section>
        \(actions(model))<h2>Graph</h2>
        <section class="panel">\(DAGView.render(model.tasks))</section>
        <h2>Timeline</h2>
        <section class="panel">\(GanttView.render(tasks: model.tasks, attempts: model.attempts, runStart: model.startedAt, runEnd: model.finishedAt, now: chrome.now))</section>
        <h2>Logs</h2>
        \(LogPanelView.render(model.logs))
        """
        return Layout.page(title: "\(model.pipeline) run #\(model.id)", chrome: chrome, section: .pipelines, body: body)
    }

    /// Cancel while the run can still change, retry once it ended badly; operators only.
    static func actions(_ model: RunPageModel) -> HTML {
        let chrome = model.chrome
        guard chrome.canOperate, model.canCancel || model.canRetry else { return .empty }
        var forms = HTML.empty
        if model.canCancel {
            forms += Forms.post(action: chrome.routes.cancel(model.id), chrome: chrome, fields: .empty, button: "Cancel run", buttonClass: "danger")
        }
        if model.canRetry {
            forms += Forms.post(action: chrome.routes.retry(model.id), chrome: chrome, fields: .empty, button: "Retry failed tasks")
        }
        return "<section class=\"panel actions\">\(forms)</section>\n"
    }
}
