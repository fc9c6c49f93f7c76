import ArgumentParser
import BatonEngine
import BatonGit
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
            BackfillCommand.self,
            BackfillsCommand.self,
            SuspendCommand.self,
            ResumeCommand.self,
            SchemaCommand.self,
            ScheduleCommand.self,
        ]
    )

    /// Before anything else runs (the environment is process-wide, and no other thread may
    /// read it while it changes): what Baton creates is its own whatever the umask it was
    /// started with (folders 0700, files 0600; what a task user must reach is opened
    /// explicitly), the credentials in its environment move into memory and out of
    /// `/proc/<pid>/environ`, and the process becomes non-dumpable so tasks of another user
    /// (or of its own, when it is not root) cannot read its `/proc` files or memory. See
    /// `ProcessHardening` and docs/operations.md ("Security model").
    static func keepSecretsFromTasks() {
        umask(0o077)
        let environment = ProcessHardening.takeCredentialEnvironment()
        GitCredentials.useCapturedEnvironment(environment)
        SecretResolver.useCapturedEnvironment(environment)
        do {
            try ProcessHardening.closeToTasks()
        } catch {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            Foundation.exit(1)
        }
    }

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
        keepSecretsFromTasks()
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
