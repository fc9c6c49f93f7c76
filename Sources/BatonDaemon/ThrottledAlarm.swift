import Foundation
import Logging
import Synchronization

/// Logs a lasting condition (the store cannot be written: a full disk, a read-only file
/// system) once when it starts, then at most once per `every` while it lasts, and once when
/// it is over.
///
/// A write retried every second or two would otherwise fill the log, and the journal on the
/// very disk that is full, with the same line; an operator needs to know that it happens,
/// since when, and when it stopped.
final class ThrottledAlarm: Sendable {
    private struct State {
        var since: ContinuousClock.Instant?
        var lastLogged: ContinuousClock.Instant?
        var suppressed = 0
        var failures = 0
    }

    private let logger: Logger
    private let every: Duration
    private let state = Mutex(State())

    init(logger: Logger, every: Duration = .seconds(60)) {
        self.logger = logger
        self.every = every
    }

    /// Whether the condition holds now.
    var isActive: Bool { state.withLock { $0.since != nil } }

    /// The condition holds (again): logged as an error if it is new or the last line is
    /// `every` old, with how many failures went unlogged in between.
    func failed(_ message: Logger.Message, metadata: Logger.Metadata) {
        let now = ContinuousClock.now
        let (log, suppressed, since): (Bool, Int, ContinuousClock.Instant) = state.withLock { state in
            let since = state.since ?? now
            state.since = since
            state.failures += 1
            if let last = state.lastLogged, now - last < every {
                state.suppressed += 1
                return (false, 0, since)
            }
            defer { state.lastLogged = now; state.suppressed = 0 }
            return (true, state.suppressed, since)
        }
        guard log else { return }
        var metadata = metadata
        if suppressed > 0 { metadata["unlogged"] = "\(suppressed)" }
        let lasting = now - since
        if lasting > .zero { metadata["for"] = "\(lasting.components.seconds)s" }
        logger.error(message, metadata: metadata)
    }

    /// The condition is over: logged once, if it held.
    func recovered(_ message: Logger.Message, metadata: Logger.Metadata = [:]) {
        let (since, failures): (ContinuousClock.Instant?, Int) = state.withLock { state in
            defer { state = State() }
            return (state.since, state.failures)
        }
        guard let since else { return }
        var metadata = metadata
        metadata["after"] = "\((ContinuousClock.now - since).components.seconds)s"
        metadata["failures"] = "\(failures)"
        logger.notice(message, metadata: metadata)
    }
}
