import ArgumentParser
import Foundation

/// The root command holds only configuration; each subcommand is a small type in `Commands/`.
@main
struct Baton: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baton",
        abstract: "GitOps reconciler for scheduled data pipelines.",
        discussion: """
            Pipelines are JSON manifests in a Git repository. Baton validates them, shows \
            what a change would do (plan), makes the live pipelines match the newest commit \
            (reconcile), and says what is live and who changed what (status, history, audit).

            Exit status: 0 success, 1 the input was invalid or the work failed, 2 usage error, \
            3 the Git source could not be fetched.
            """,
        version: "0.1.0",
        subcommands: [
            ValidateCommand.self,
            PlanCommand.self,
            ReconcileCommand.self,
            ServeCommand.self,
            StatusCommand.self,
            HistoryCommand.self,
            AuditCommand.self,
            RunCommand.self,
            RunsCommand.self,
            LogsCommand.self,
            CancelCommand.self,
            RetryCommand.self,
            TriggerCommand.self,
            SuspendCommand.self,
            ResumeCommand.self,
            SchemaCommand.self,
            ScheduleCommand.self,
        ]
    )

    /// Runs the command, mapping ArgumentParser's usage-error status (64) to 2, Baton's
    /// stable usage-error code, so scripts can tell "you called it wrong" from "it failed".
    static func main() async {
        // A parent may start Baton with signals blocked (threads of many runtimes block them,
        // and a blocked mask is inherited across exec); then SIGTERM, SIGINT and SIGHUP would
        // never reach `baton serve`. Unblocked here, on the main thread, before anything else.
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGQUIT] { sigaddset(&signals, signal) }
        sigprocmask(SIG_UNBLOCK, &signals, nil)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { Output.text(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty {
                Output.error(message)
            }
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
