import BatonStore

extension Operations {
    /// Has the running daemon run a reconcile pass now and returns what it came to: a
    /// judged commit (applied, unchanged, rejected) or a failed fetch (`failed`, with the
    /// error and whether retrying helps). Needs a running daemon.
    public func reconcileNow() async throws(OperationError) -> ReconcilePass {
        guard daemon.runningPid() != nil else {
            throw OperationError(.daemonNotRunning, "no baton serve runs on \(stateDirectory); start it, or use `baton reconcile --once`")
        }
        return try await daemon.reconcileNow()
    }
}
