import BatonStore
import Foundation

/// A piece of an attempt's log, from a byte offset, and where the next piece starts.
///
/// A client tails a log by asking again from `nextOffset` until `complete`. The bytes are
/// the task's own (`bytes`); JSON carries them as UTF-8 text (`text`), a piece ending at a
/// line end when one falls within the limit, so no line and no character is cut in two.
public struct LogChunk: Sendable, Equatable, Codable {
    public var run: Int64
    public var task: String
    public var attempt: Int
    /// The attempt's state when read.
    public var state: TaskState
    public var offset: UInt64
    public var nextOffset: UInt64
    /// The log's size when read.
    public var size: UInt64
    /// Whether the attempt has ended: then the log grows no more.
    public var ended: Bool
    public var bytes: [UInt8]

    /// Ended, and read to its end.
    public var complete: Bool { ended && nextOffset >= size }

    /// The bytes as text (invalid UTF-8 replaced).
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public init(run: Int64, task: String, attempt: Int, state: TaskState, offset: UInt64, nextOffset: UInt64, size: UInt64, ended: Bool, bytes: [UInt8]) {
        self.run = run
        self.task = task
        self.attempt = attempt
        self.state = state
        self.offset = offset
        self.nextOffset = nextOffset
        self.size = size
        self.ended = ended
        self.bytes = bytes
    }

    private enum CodingKeys: String, CodingKey {
        case run, task, attempt, state, offset, nextOffset, size, ended, complete, text
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        run = try container.decode(Int64.self, forKey: .run)
        task = try container.decode(String.self, forKey: .task)
        attempt = try container.decode(Int.self, forKey: .attempt)
        state = try container.decode(TaskState.self, forKey: .state)
        offset = try container.decode(UInt64.self, forKey: .offset)
        nextOffset = try container.decode(UInt64.self, forKey: .nextOffset)
        size = try container.decode(UInt64.self, forKey: .size)
        ended = try container.decode(Bool.self, forKey: .ended)
        bytes = Array(try container.decode(String.self, forKey: .text).utf8)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(run, forKey: .run)
        try container.encode(task, forKey: .task)
        try container.encode(attempt, forKey: .attempt)
        try container.encode(state, forKey: .state)
        try container.encode(offset, forKey: .offset)
        try container.encode(nextOffset, forKey: .nextOffset)
        try container.encode(size, forKey: .size)
        try container.encode(ended, forKey: .ended)
        try container.encode(complete, forKey: .complete)
        try container.encode(text, forKey: .text)
    }
}

/// Which log to read: a run's task's attempt (the last when nil), from a byte offset.
public struct LogRequest: Sendable, Hashable {
    public var run: Int64
    public var task: String
    public var attempt: Int?
    public var offset: UInt64
    /// At most this many bytes (1 to 4 MiB).
    public var limit: Int

    public init(run: Int64, task: String, attempt: Int? = nil, offset: UInt64 = 0, limit: Int = 65_536) {
        self.run = run
        self.task = task
        self.attempt = attempt
        self.offset = offset
        self.limit = limit
    }
}

/// One line of a log as the executor wrote it: `TIME STREAM TEXT`. A line of another shape
/// (it should not happen) is kept whole as text.
public struct LogLine: Sendable, Equatable, Codable {
    public var time: String?
    public var stream: String?
    public var text: String

    public init(time: String?, stream: String?, text: String) {
        self.time = time
        self.stream = stream
        self.text = text
    }
}

/// A run's attempts with their whole logs, parsed into lines (`logs --json`).
public struct RunLogs: Sendable, Equatable, Codable {
    public var run: RunSummary
    public var attempts: [AttemptLog]
}

public struct AttemptLog: Sendable, Equatable, Codable {
    public var attempt: AttemptInfo
    public var lines: [LogLine]
}
