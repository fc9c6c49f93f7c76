import BatonDashboard
import BatonManifest
import Foundation

/// View models for the tests: fixed instants, and a hostile string wherever a person's text
/// can reach a page.
enum Fixtures {
    static let hostile = "<script>alert(\"x\")</script>'&<img src=x onerror=alert(1)>"
    static let csrf = "csrf-\"token\"<&>"
    static let epoch = Date(timeIntervalSince1970: 1_772_942_400)  // 2026-03-08T04:00:00Z
    static let utc = TimeZone(identifier: "UTC")!
    static let saoPaulo = TimeZone(identifier: "America/Sao_Paulo")!

    static func chrome(_ viewer: Viewer? = Viewer(name: "ana", canOperate: true), notice: String? = nil) -> PageChrome {
        PageChrome(viewer: viewer, csrfToken: csrf, timeZone: utc, now: epoch.addingTimeInterval(600), notice: notice)
    }

    static let operatorViewer = Viewer(name: "ops", canOperate: true)
    static let reader = Viewer(name: "reader", canOperate: false)

    static func pipelines(_ chrome: PageChrome, name: String = "sales-etl", text: String = "Nightly") -> PipelinesPageModel {
        PipelinesPageModel(chrome: chrome, pipelines: [
            PipelineSummary(
                name: name, description: text, version: 3, scheduleText: "at 02:00 every day",
                timeZone: saoPaulo, nextFire: epoch.addingTimeInterval(3600),
                suspension: Suspension(byManifest: false, byOperator: OperatorSuspension(actor: text, reason: text, since: epoch)),
                recentRuns: [
                    RunSquare(id: 1, state: .succeeded, trigger: "schedule", slot: epoch),
                    RunSquare(id: 2, state: .failed, trigger: text, createdAt: epoch),
                    RunSquare(id: 3, state: .running, trigger: "manual"),
                ]
            ),
            PipelineSummary(name: "old", isRetired: true),
        ])
    }

    static func pipeline(_ chrome: PageChrome, name: String = "sales-etl", text: String = "Nightly", suspended: Bool = false) -> PipelinePageModel {
        PipelinePageModel(
            chrome: chrome, name: name, description: text, owners: [text], scheduleText: text, timeZone: saoPaulo,
            nextFires: [epoch.addingTimeInterval(3600), epoch.addingTimeInterval(90_000)],
            suspension: suspended ? Suspension(byOperator: OperatorSuspension(actor: text, reason: text)) : .none,
            parameters: [
                Parameter(name: "region", defaultValue: "us", allowed: ["us", text]),
                Parameter(name: "day", defaultValue: text),
                Parameter(name: "must", required: true, description: text),
            ],
            versions: [VersionRow(number: 2, commit: "3f2a9c1e0b7d4c5a6f7e8d9c0b1a2f3e4d5c6b7a", subject: text, author: text, merger: text, appliedAt: epoch, change: text)],
            runs: [RunRow(id: 7, state: .running, trigger: text, slot: epoch, startedAt: epoch)],
            olderRunsURL: "/ui/pipelines/x?cursor=\(text)"
        )
    }

    static func run(_ chrome: PageChrome, state: DashboardState = .running, pipeline: String = "sales-etl", task: String = "extract", text: String = "hello") -> RunPageModel {
        RunPageModel(
            chrome: chrome, pipeline: pipeline, id: 42, state: state, trigger: text, reason: text, version: 2,
            retryOf: 41, slot: epoch, createdAt: epoch, startedAt: epoch, finishedAt: state.isActive ? nil : epoch.addingTimeInterval(300),
            parameters: ["region": text],
            tasks: [
                TaskNode(id: task, state: .succeeded),
                TaskNode(id: "load", needs: [task], state: .running),
            ],
            attempts: [
                AttemptSummary(task: task, attempt: 1, state: .succeeded, startedAt: epoch, finishedAt: epoch.addingTimeInterval(60), exitCode: 0, reason: text),
                AttemptSummary(task: "load", attempt: 1, state: .running, startedAt: epoch.addingTimeInterval(60)),
            ],
            logs: [
                LogPanel(task: task, attempt: 1, state: .succeeded, lines: [text, "second line"]),
                LogPanel(task: "load", attempt: 1, state: .running, lines: ["loading"],
                         streamURL: chrome.routes.logStream(run: 42, task: "load", attempt: 1, offset: 8)),
            ]
        )
    }

    static func commits(_ chrome: PageChrome, text: String = "Add pipeline") -> CommitsPageModel {
        CommitsPageModel(
            chrome: chrome,
            source: SourceInfo(url: "git://example/\(text)", ref: "refs/heads/\(text)", path: text, lastFetchAt: epoch, fetchError: text),
            live: CommitInfo(id: "b71e0021234567890", author: text, time: epoch, subject: text),
            lastAttempt: AttemptedCommit(
                commit: CommitInfo(id: "3f2a9c1aaaaaaaaaa", author: text, time: epoch, subject: text),
                outcome: "rejected", isFailure: true, at: epoch,
                diagnostics: [
                    Diagnostic(file: "manifests/\(text).json", line: 7, column: 13, pointer: "/schedule/cron", severity: .error, code: .invalidCron, message: text),
                    Diagnostic(file: "manifests/b.json", line: 1, column: 1, pointer: "", severity: .warning, code: .invalidCron, message: "w"),
                ]
            ),
            daemon: DaemonInfo(isRunning: true, pid: 1234, startedAt: epoch, lastReconcileAt: epoch, summary: text)
        )
    }

    /// Every page, rendered with `text` in every person-written field and `name` as the
    /// pipeline's and a task's name.
    static func allPages(_ chrome: PageChrome, name: String, text: String) -> [(String, String)] {
        [
            ("pipelines", Dashboard.pipelinesPage(pipelines(chrome, name: name, text: text))),
            ("pipeline", Dashboard.pipelinePage(pipeline(chrome, name: name, text: text, suspended: false))),
            ("pipeline-suspended", Dashboard.pipelinePage(pipeline(chrome, name: name, text: text, suspended: true))),
            ("run", Dashboard.runPage(run(chrome, pipeline: name, task: name, text: text))),
            ("run-failed", Dashboard.runPage(run(chrome, state: .failed, pipeline: name, task: name, text: text))),
            ("commits", Dashboard.commitsPage(commits(chrome, text: text))),
            ("sign-in", Dashboard.signInPage(SignInPageModel(chrome: chrome, error: text, next: text))),
            ("error", Dashboard.errorPage(ErrorPageModel(chrome: chrome, status: 404, message: text))),
        ]
    }
}
