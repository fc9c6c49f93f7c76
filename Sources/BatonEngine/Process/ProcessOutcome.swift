import Foundation

/// What happened to one process attempt, as the executor records it.
public struct ProcessOutcome: Sendable, Hashable {
    /// The exit status when the process exited; nil when a signal ended it.
    public var exitCode: Int32?
    /// The signal that ended the process, if one did.
    public var signal: Int32?
    /// The attempt's timeout expired while the process was still running.
    public var timedOut: Bool
    /// The calling task was cancelled while the process was still running (or before it
    /// started: then `pid` is 0 and nothing was run).
    public var cancelled: Bool
    public var startedAt: Date
    /// When the process had exited and no process of its group was left.
    public var endedAt: Date
    public var pid: Int32
    /// Field 22 of `/proc/<pid>/stat` (clock ticks since boot). With `pid` it identifies the
    /// process across a Baton restart, even if the pid number has been reused since.
    public var processStartTime: Int64?
    /// Bytes written to the log file, the truncation note included.
    public var logBytes: Int
    /// Output went past `logLimit` and the rest was discarded.
    public var logTruncated: Bool
    /// Why the log could not be written (a full disk), if it could not: output was lost, so
    /// the attempt fails with this reason whatever the exit status.
    public var logError: String?

    public var succeeded: Bool { exitCode == 0 && !timedOut && !cancelled }

    public init(
        exitCode: Int32?, signal: Int32?, timedOut: Bool, cancelled: Bool,
        startedAt: Date, endedAt: Date, pid: Int32, processStartTime: Int64?,
        logBytes: Int, logTruncated: Bool, logError: String? = nil
    ) {
        self.exitCode = exitCode
        self.signal = signal
        self.timedOut = timedOut
        self.cancelled = cancelled
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.pid = pid
        self.processStartTime = processStartTime
        self.logBytes = logBytes
        self.logTruncated = logTruncated
        self.logError = logError
    }
}
