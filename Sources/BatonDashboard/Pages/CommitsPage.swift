import BatonManifest
import Foundation

/// What Baton follows and where it stands: the live commit, the last one tried with every
/// diagnostic that stopped it, the last fetch and the daemon.
enum CommitsPage {
    static func render(_ model: CommitsPageModel) -> String {
        let chrome = model.chrome
        let zone = chrome.timeZone
        let body: HTML = """
        <h1>Commits</h1>
        <div class="columns">
        <section class="panel" id="source"><h2>Source</h2>\(source(model.source, zone: zone))</section>
        <section class="panel" id="daemon"><h2>Daemon</h2>\(daemon(model.daemon, zone: zone))</section>
        <section class="panel" id="live-commit"><h2>Live commit</h2>\(model.live.map { commit($0, zone: zone) } ?? "<p class=\"muted\">Nothing applied yet.</p>")</section>
        <section class="panel" id="last-attempt"><h2>Last attempted commit</h2>\(attempt(model.lastAttempt, zone: zone))</section>
        </div>
        """
        return Layout.page(title: "Commits", chrome: chrome, section: .commits, body: body)
    }

    static func source(_ source: SourceInfo?, zone: TimeZone) -> HTML {
        guard let source else { return "<p class=\"muted\">No source configured.</p>" }
        let error: HTML = source.fetchError.map { "<dt>Fetch error</dt><dd class=\"error-text\">\($0)</dd>" } ?? .empty
        return """
        <dl class="facts"><dt>URL</dt><dd><code>\(source.url)</code></dd><dt>Ref</dt><dd><code>\(source.ref)</code></dd>\
        <dt>Path</dt><dd>\(source.path.map { "<code>\($0)</code>" as HTML } ?? "<span class=\"muted\">repository root</span>")</dd>\
        <dt>Last fetch</dt><dd>\(DashboardTime.element(source.lastFetchAt, in: zone))</dd>\(error)</dl>
        """
    }

    static func commit(_ commit: CommitInfo, zone: TimeZone) -> HTML {
        "<dl class=\"facts\">\(commitFacts(commit, zone: zone))</dl>"
    }

    static func commitFacts(_ commit: CommitInfo, zone: TimeZone) -> HTML {
        """
        <dt>Commit</dt><dd>\(Badges.commit(commit.id))</dd>\
        <dt>Subject</dt><dd>\(commit.subject ?? "")</dd><dt>Author</dt><dd>\(commit.author ?? "")</dd>\
        <dt>Time</dt><dd>\(DashboardTime.element(commit.time, in: zone))</dd>\
        \(commit.signer.map { "<dt>Signed by</dt><dd>\($0)</dd>" as HTML } ?? .empty)
        """
    }

    static func attempt(_ attempt: AttemptedCommit?, zone: TimeZone) -> HTML {
        guard let attempt else { return "<p class=\"muted\">No reconcile pass recorded yet.</p>" }
        let state: DashboardState = attempt.isFailure ? .failed : .succeeded
        let outcome: HTML = "<span class=\"pill \(state.cssClass)\">\(attempt.outcome)</span>"
        var diagnostics = HTML.empty
        for d in attempt.diagnostics {
            let tone: DashboardState = d.severity == .error ? .failed : .cancelled
            let pointer: HTML = d.pointer.isEmpty ? .empty : " <span class=\"muted\">at <code>\(d.pointer)</code></span>"
            diagnostics += """
            <li class="diag \(d.severity.rawValue)" data-code="\(d.code.rawValue)"><code>\(d.file):\(d.line):\(d.column)</code> \
            <span class="pill \(tone.cssClass)">\(d.severity.rawValue)</span> \(d.message) <code>[\(d.code.rawValue)]</code>\(pointer)</li>

            """
        }
        let list: HTML = attempt.diagnostics.isEmpty
            ? .empty
            : "<h3>\(attempt.diagnostics.count) diagnostic\(attempt.diagnostics.count == 1 ? "" : "s")</h3><ul class=\"diagnostics\">\n\(diagnostics)</ul>"
        return """
        <dl class="facts">\(commitFacts(attempt.commit, zone: zone))<dt>Outcome</dt><dd>\(outcome)</dd>\
        <dt>At</dt><dd>\(DashboardTime.element(attempt.at, in: zone))</dd></dl>\(list)
        """
    }

    static func daemon(_ daemon: DaemonInfo, zone: TimeZone) -> HTML {
        let state: DashboardState = daemon.isRunning ? .running : .failed
        let label = daemon.isRunning ? "running" : "not running"
        let pid: HTML = daemon.pid.map { "<dt>Process</dt><dd>\($0)</dd>" } ?? .empty
        let summary: HTML = daemon.summary.map { "<dt>Last pass</dt><dd>\($0)</dd>" } ?? .empty
        return """
        <dl class="facts"><dt>State</dt><dd><span class="pill \(state.cssClass)">\(label)</span></dd>\(pid)\
        <dt>Started</dt><dd>\(DashboardTime.element(daemon.startedAt, in: zone))</dd>\
        <dt>Last reconcile</dt><dd>\(DashboardTime.element(daemon.lastReconcileAt, in: zone))</dd>\(summary)</dl>
        """
    }
}
