import BatonManifest

/// One pipeline: its schedule and next fires, suspension, versions with who wrote and
/// merged each, its runs, and the forms an operator acts with.
enum PipelinePage {
    static func render(_ model: PipelinePageModel) -> String {
        let chrome = model.chrome
        let zone = model.timeZone ?? chrome.timeZone
        let fires: HTML = model.nextFires.isEmpty
            ? "<span class=\"muted\">\(model.isRetired ? "retired" : model.scheduleText == nil ? "manual only" : "none")</span>"
            : "<ol class=\"fires\">\(model.nextFires.map { "<li>\(DashboardTime.element($0, in: zone))</li>" as HTML })</ol>"
        let owners: HTML = model.owners.isEmpty ? "<span class=\"muted\">—</span>" : "\(model.owners.joined(separator: ", "))"
        let description: HTML = model.description.map { "<p>\($0)</p>" } ?? .empty
        let retired: HTML = model.isRetired ? " <span class=\"badge\">retired</span>" : .empty

        let body: HTML = """
        <h1>\(model.name)\(retired)</h1>
        \(description)<section class="panel"><dl class="facts">
        <dt>Schedule</dt><dd>\(model.scheduleText.map { "\($0)" } ?? "<span class=\"muted\">manual only</span>")</dd>
        <dt>Time zone</dt><dd>\(model.timeZone.map { "\($0.identifier)" } ?? "<span class=\"muted\">—</span>")</dd>
        <dt>Next fires</dt><dd>\(fires)</dd>
        <dt>Status</dt><dd>\(Badges.suspension(model.suspension, isRetired: model.isRetired, chrome: chrome))</dd>
        <dt>Owners</dt><dd>\(owners)</dd>
        </dl></section>
        \(actions(model))<h2>Runs</h2>
        \(runs(model))<h2>Versions</h2>
        \(versions(model))
        """
        return Layout.page(title: model.name, chrome: chrome, section: .pipelines, body: body)
    }

    /// Trigger, suspend and resume, only for a viewer who may operate and a pipeline that
    /// is still live.
    static func actions(_ model: PipelinePageModel) -> HTML {
        let chrome = model.chrome
        guard chrome.canOperate, !model.isRetired else { return .empty }
        let routes = chrome.routes
        var fields = HTML.empty
        for parameter in model.parameters { fields += input(parameter) }
        var forms: HTML = Forms.post(action: routes.trigger(model.name), chrome: chrome, fields: fields, button: "Trigger run")
        if let hold = model.suspension.byOperator {
            forms += Forms.post(action: routes.resume(model.name), chrome: chrome, fields: .empty, button: "Resume", buttonClass: "secondary")
            forms += "<p class=\"muted\">Suspended by \(hold.actor); resume lets scheduled runs fire again\(model.suspension.byManifest ? " once the manifest's suspend is lifted too" : "").</p>"
        } else {
            let reason: HTML = "<label>Reason<input type=\"text\" name=\"reason\" maxlength=\"500\" placeholder=\"why scheduled runs stop\"/></label>"
            forms += Forms.post(action: routes.suspend(model.name), chrome: chrome, fields: reason, button: "Suspend", buttonClass: "danger")
        }
        return "<section class=\"panel actions\"><h2>Actions</h2>\(forms)</section>\n"
    }

    /// One input per declared parameter: a choice when the values are fixed, text otherwise,
    /// pre-filled with the default so an empty submit means what the schedule would do.
    static func input(_ parameter: Parameter) -> HTML {
        let name = DashboardRoutes.parameterFieldPrefix + parameter.name
        let required = HTML.flag("required", parameter.required && parameter.defaultValue == nil)
        let hint: HTML = parameter.description.map { " title=\"\($0)\"" } ?? .empty
        if let allowed = parameter.allowed, !allowed.isEmpty {
            var options = HTML.empty
            if parameter.defaultValue == nil && !parameter.required { options += "<option value=\"\"></option>" }
            for value in allowed {
                options += "<option value=\"\(value)\"\(HTML.flag("selected", value == parameter.defaultValue))>\(value)</option>"
            }
            return "<label\(hint)>\(parameter.name)<select name=\"\(name)\"\(required)>\(options)</select></label>"
        }
        return "<label\(hint)>\(parameter.name)<input type=\"text\" name=\"\(name)\" value=\"\(parameter.defaultValue ?? "")\"\(required)/></label>"
    }

    static func runs(_ model: PipelinePageModel) -> HTML {
        let chrome = model.chrome
        let zone = model.timeZone ?? chrome.timeZone
        let rows: [[HTML]] = model.runs.map { run in
            [
                "<a href=\"\(chrome.routes.run(run.id))\">#\(run.id)</a>",
                Layout.pill(run.state),
                "\(run.trigger)",
                DashboardTime.element(run.slot, in: zone),
                DashboardTime.element(run.startedAt, in: chrome.timeZone),
                Badges.duration(started: run.startedAt, finished: run.finishedAt, now: chrome.now, active: run.state.isActive),
            ]
        }
        let table = Layout.table(headers: ["Run", "State", "Trigger", "Slot", "Started", "Duration"], rows: rows, caption: "Runs", empty: "No runs yet.")
        guard let older = model.olderRunsURL else { return table }
        return table + "<p><a href=\"\(older)\" rel=\"next\">Older runs</a></p>"
    }

    static func versions(_ model: PipelinePageModel) -> HTML {
        let zone = model.chrome.timeZone
        let rows: [[HTML]] = model.versions.map { v in
            [
                "v\(v.number)",
                Badges.commit(v.commit),
                v.subject.map { "\($0)" } ?? .empty,
                v.author.map { "\($0)" } ?? .empty,
                v.merger.map { "\($0)" } ?? "<span class=\"muted\">—</span>",
                DashboardTime.element(v.appliedAt, in: zone),
                v.change.map { "\($0)" } ?? .empty,
            ]
        }
        return Layout.table(headers: ["Version", "Commit", "Subject", "Author", "Merged by", "Applied", "Changed"], rows: rows, caption: "Versions", empty: "No versions.")
    }
}
