import BatonDaemon
import Foundation

/// When `/readyz` says the daemon is not ready: the store does not answer a read, or reconcile
/// passes have been failing for longer than `failingIntervals` intervals.
///
/// Time, not a count of failed passes: the loop backs off while the source fails (the
/// interval doubled per failure), so three failures can take fourteen intervals; a load
/// balancer or an alert wants to know that the daemon has not been able to follow the
/// repository for a while, however many times it tried.
public struct ReadinessPolicy: Sendable, Hashable {
    /// How many intervals a failure streak may last before the daemon is not ready.
    public var failingIntervals: Double

    public init(failingIntervals: Double = 3) {
        self.failingIntervals = failingIntervals
    }

    /// Why the daemon is not ready by its reconcile facts, or nil when it is.
    public func problem(_ facts: ReconcileFacts, now: Date) -> String? {
        guard let since = facts.failingSince else { return nil }
        let failingFor = now.timeIntervalSince(since)
        guard failingFor > failingIntervals * facts.interval else { return nil }
        return "reconcile passes have failed for \(Int(failingFor.rounded()))s (\(facts.consecutiveFailures) in a row, "
            + "more than \(failingIntervals.formatted()) intervals of \(Int(facts.interval))s): \(facts.lastError ?? "unknown error")"
    }
}
