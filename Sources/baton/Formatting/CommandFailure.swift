import ArgumentParser
import BatonGit
import BatonManifest
import BatonReconciler
import BatonStore
import Foundation

/// Why a command stopped, with the exit status scripts match on.
///
/// Commands throw it from their steps and `report(json:)` turns it into one line on standard
/// error (and, with `--json`, one object on standard output) plus the exit status, so every
/// command fails the same way: what went wrong, where, and what to do next.
struct CommandFailure: Error {
    var message: String
    var exitCode: Int32
    /// A stable code (`store-open`, `ref-not-found`, `fetch`…) for `--json`.
    var code: String
    /// For fetch failures: whether the next attempt may succeed without anyone acting.
    var transient: Bool?

    init(_ message: String, exitCode: Int32 = 1, code: String = "error", transient: Bool? = nil) {
        self.message = message
        self.exitCode = exitCode
        self.code = code
        self.transient = transient
    }

    /// A reconcile pass that could not judge the commit: exit 3 when the source could not be
    /// fetched (the message says whether retrying helps), 1 for the store or a read.
    init(_ error: ReconcileError) {
        self.init(error.description, exitCode: error.stage == .fetch ? 3 : 1, code: error.code, transient: error.isTransient)
    }

    /// A fetch outside a reconcile pass (`plan` syncing the mirror): exit 3.
    init(fetch error: GitError) {
        self.init(error.description, exitCode: 3, code: error.code.rawValue, transient: error.isTransient)
    }

    init(_ error: StoreError) {
        self.init("\(error.description); check --state and its permissions", exitCode: 1, code: error.code.rawValue)
    }

    /// Prints the failure and returns the exit to throw.
    func report(json: Bool) -> ExitCode {
        Output.error("error: \(message)")
        if json {
            var fields: [(String, JSONValue)] = [("code", JSONOut.string(code)), ("message", JSONOut.string(message))]
            if let transient { fields.append(("transient", JSONOut.bool(transient))) }
            Output.json(JSONOut.object([("error", JSONOut.object(fields))]))
        }
        return ExitCode(exitCode)
    }
}

extension AsyncParsableCommand {
    /// Runs `body`, turning a `CommandFailure` into its message and exit status.
    func reportingFailures(json: Bool, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let failure as CommandFailure {
            throw failure.report(json: json)
        }
    }
}
