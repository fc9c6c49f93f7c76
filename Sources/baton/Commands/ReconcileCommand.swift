import ArgumentParser
import BatonDaemon
import BatonGit
import BatonOperations
import BatonReconciler
import BatonStore
import Foundation

/// `baton reconcile --once`: one reconcile pass, for cron jobs, CI and trying Baton out.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Fetch the source and make the live pipelines match its newest commit.",
        discussion: """
            One pass: fetch the ref into Baton's mirror, read and validate every manifest at \
            its commit, and apply the plan (create, update, retire or revive pipelines) in one \
            transaction of the state store, with who changed what. A commit with any invalid \
            manifest is rejected whole: nothing of it is applied, the live commit stays live, \
            and `baton status` shows every diagnostic until a new commit fixes them.

              $ baton reconcile --once
              ~ update sales-etl  manifests/sales.json  v1 → v2
                  by Bo Chen <bo@example.com> in 9dcf420979ee
                  /schedule/cron: "0 2 * * *" → "0 4 * * *"
                  schedule: at 02:00 every day (America/Sao_Paulo) → at 04:00 every day (America/Sao_Paulo)
                  next before: 2026-11-24T02:00:00-03:00, 2026-11-25T02:00:00-03:00, 2026-11-26T02:00:00-03:00
                  next after:  2026-11-24T04:00:00-03:00, 2026-11-25T04:00:00-03:00, 2026-11-26T04:00:00-03:00
              reconcile: commit 9dcf420979ee (bo@example.com) applied: 0 to create, 1 to update, 0 to retire, 0 to revive, 1 unchanged

            A rejected commit prints every diagnostic, then what stays live:

              manifests/sales.json:6:38: error: invalid cron expression "0 4 * * MON-FIR": … [invalid-cron] (at /schedule/cron)
              reconcile: commit 5d96ee7a1b2c (bo@example.com) rejected: 1 error; 9dcf420979ee stays live

            Without --repo, the source is the Git repository around the current directory on \
            its current branch, and the manifests are read from its `manifests` folder. A \
            commit that removes every manifest while pipelines are live is rejected \
            (empty-source) unless --allow-empty says it is meant. The continuous loop is \
            `baton serve`; with a daemon running, --now asks it for a pass at once and \
            prints what that pass did (--once beside a running daemon works too: the two \
            never apply the same commit twice).

            Exit status: 0 when the commit was applied or changed nothing, 1 when it was \
            rejected or the state store failed, 2 for a usage error, 3 when the source could \
            not be fetched (the message says whether it is transient or permanent).
            """)

    @OptionGroup var options: SourceOptions

    @Flag(name: .long, help: "Run one pass here and exit.")
    var once = false

    @Flag(name: .long, help: "Ask the running `baton serve` for a pass now, wait for it and print it.")
    var now = false

    @Flag(name: .long, help: "Apply a commit with no manifests even though it retires every live pipeline.")
    var allowEmpty = false

    @Flag(name: .long, help: "Print one JSON object with the outcome, the plan and every diagnostic, and nothing else.")
    var json = false

    func validate() throws {
        _ = try options.verification()
        guard once != now else {
            throw ValidationError(once ? "pass --once or --now, not both" : "pass --once (one pass here) or --now (ask the running `baton serve` for a pass); the continuous loop is `baton serve`")
        }
    }

    func run() async throws {
        try await reportingFailures(json: json) {
            if now {
                try await askDaemon()
                return
            }
            let report = try await reconcile()
            if json { Output.json(report.json()) } else { Output.text(report.text(), terminator: "") }
            if report.report.outcome == .rejected { throw ExitCode(1) }
        }
    }

    /// `--now`: the daemon runs the pass; this prints what it came to.
    func askDaemon() async throws {
        let operations = try options.stateOptions.operations()
        let pass = try await operation { () async throws(OperationError) in try await operations.reconcileNow() }
        if pass.outcome == .failed {
            throw CommandFailure(pass.error ?? "the pass failed", exitCode: 3, code: "fetch-failed", transient: pass.transient ?? true)
        }
        if json { Output.json(ReconcilePassText.json(pass)) } else { Output.text(pass.summaryLine) }
        if pass.outcome == .rejected { throw ExitCode(1) }
    }

    /// The pass, with the commit live after it.
    func reconcile() async throws -> PlanReport {
        let resolved = try options.resolve()
        let state = options.stateDirectory
        let store: SQLiteStore
        do { store = try SQLiteStore(stateDirectory: state) } catch { throw CommandFailure(error) }
        let before: String?
        do { before = try await store.source()?.lastAppliedCommit } catch { throw CommandFailure(error) }
        let (verification, stopVerifying) = try options.verification()
        let reconciler = Reconciler(store: store, source: resolved.source, options: .init(allowEmpty: allowEmpty, verification: verification, stopVerifying: stopVerifying))
        let report: ReconcileReport
        do {
            report = try await reconciler.reconcile(mirror: GitMirror(stateDirectory: state), credentials: .fromEnvironment())
        } catch {
            throw CommandFailure(error)
        }
        let live: String?
        do { live = try await store.source()?.lastAppliedCommit } catch { throw CommandFailure(error) }
        if let note = report.mirrorNote, !json {
            Output.error("note: \(note)")
        }
        return PlanReport(command: "reconcile", report: report, source: resolved.source, base: live, baseRole: "live", previous: before)
    }
}
