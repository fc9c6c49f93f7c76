import Foundation

/// How one attempt of an HTTP task ended: what the executor records with the attempt.
///
/// A value rather than a thrown error because a failed call (refused connection, timeout,
/// unexpected status) is a task state to record and maybe retry, not a failure of Baton.
public struct HTTPTaskOutcome: Sendable, Hashable {
    /// The response status, when a response head arrived (even if the body then timed out).
    public var status: Int?
    /// Whether the status was one the task expects (`expectStatus`, or any 2xx) and the whole
    /// exchange completed.
    public var succeeded: Bool
    /// Whether the attempt ran out of its `timeout`; recorded as `timedOut`, not `failed`.
    public var timedOut: Bool
    /// Why the attempt failed, for people, already redacted; `nil` on success.
    public var reason: String?
    public var startedAt: Date
    public var endedAt: Date
    /// How many bytes the attempt's log holds, so the store can show sizes without a `stat`.
    public var logBytes: Int

    public init(status: Int?, succeeded: Bool, timedOut: Bool, reason: String?, startedAt: Date, endedAt: Date, logBytes: Int) {
        self.status = status
        self.succeeded = succeeded
        self.timedOut = timedOut
        self.reason = reason
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.logBytes = logBytes
    }
}
