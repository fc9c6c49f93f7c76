import BatonOperations
import BatonStore

extension StateOptions {
    /// The operations on this state directory's existing store, reaching the daemon by
    /// signals: what every command that reads or acts on the store calls.
    func operations() throws(CommandFailure) -> Operations {
        let store = try existingStore()
        return Operations(store: store, stateDirectory: stateDirectory, daemon: SignalDaemonLink(stateDirectory: stateDirectory, store: store))
    }
}

extension CommandFailure {
    /// An operation's failure, with its stable code and exit status; `usage` lists codes
    /// this command exits 2 for (a name it was given that is not live is a usage error).
    init(_ error: OperationError, usage: Set<OperationError.Code> = []) {
        let message = error.code == .storeFailed ? "\(error.message); check --state and its permissions" : error.message
        self.init(message, exitCode: usage.contains(error.code) ? 2 : error.exitCode, code: error.code.rawValue)
    }
}

/// Runs an operation, turning its failure into the command's.
func operation<T>(usage: Set<OperationError.Code> = [], _ body: () async throws(OperationError) -> T) async throws(CommandFailure) -> T {
    do { return try await body() } catch { throw CommandFailure(error, usage: usage) }
}
