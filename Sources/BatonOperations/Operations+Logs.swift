import BatonEngine
import BatonStore
import Foundation

extension Operations {
    /// A piece of one attempt's log from a byte offset: the bytes, where the next piece
    /// starts, and whether the attempt has ended (then the log is complete once read to its
    /// end). The path is the one the executor recorded on the attempt.
    public func log(_ request: LogRequest) async throws(OperationError) -> LogChunk {
        let limit = try Self.checked(request.limit, "limit", in: 1...4_194_304)
        let record = try await attempt(request)
        let ended = record.state.isTerminal
        guard let path = record.logPath else {
            return LogChunk(run: request.run, task: request.task, attempt: record.attempt, state: record.state, offset: request.offset,
                            nextOffset: request.offset, size: 0, ended: ended, bytes: [])
        }
        let (read, size) = try await FileReads.read(path, from: request.offset, limit: limit)
        if request.offset > size {
            throw OperationError(.badRequest, "offset \(request.offset) is past the end of the log (\(size) bytes)")
        }
        let bytes = Self.wholeLines(read, full: read.count == limit)
        return LogChunk(run: request.run, task: request.task, attempt: record.attempt, state: record.state, offset: request.offset,
                        nextOffset: request.offset + UInt64(bytes.count), size: size, ended: ended, bytes: bytes)
    }

    /// A run's attempts (of one task, one attempt number, or all) with their logs parsed
    /// into lines.
    public func runLogs(_ id: Int64, task: String? = nil, attempt: Int? = nil) async throws(OperationError) -> RunLogs {
        let summary = try await runAttempts(id, task: task, attempt: attempt)
        let records = try await stored { () async throws(StoreError) in try await store.attempts(ofRun: id) }
        var logs: [AttemptLog] = []
        for info in summary.attempts ?? [] {
            let path = records.first { $0.taskID == info.task && $0.attempt == info.attempt }?.logPath
            var lines: [LogLine] = []
            if let path {
                let (bytes, _) = try await FileReads.read(path, from: 0, limit: Int.max)
                lines = Self.lines(bytes)
            }
            logs.append(AttemptLog(attempt: info, lines: lines))
        }
        var run = summary
        run.attempts = nil
        return RunLogs(run: run, attempts: logs)
    }

    /// The attempt a log request names: the task's last when no number is given.
    private func attempt(_ request: LogRequest) async throws(OperationError) -> TaskAttemptRecord {
        let run = try await existingRun(request.run)
        let mine = try await attempts(of: run).filter { $0.taskID == request.task }
        if mine.isEmpty { throw OperationError(.unknownTask, "run \(request.run) has no task \"\(request.task)\"") }
        guard let number = request.attempt else { return mine.max { $0.attempt < $1.attempt }! }
        guard let found = mine.first(where: { $0.attempt == number }) else {
            throw OperationError(.unknownAttempt, "task \"\(request.task)\" of run \(request.run) has no attempt \(number); it has \(mine.map { String($0.attempt) }.joined(separator: ", "))")
        }
        return found
    }

    /// A piece cut by its limit ends at its last line end, or failing one at a character
    /// boundary, so no line or character is split between two pieces.
    static func wholeLines(_ bytes: [UInt8], full: Bool) -> [UInt8] {
        guard full, !bytes.isEmpty else { return bytes }
        if let newline = bytes.lastIndex(of: UInt8(ascii: "\n")) { return Array(bytes[...newline]) }
        // Drop a UTF-8 sequence cut short at the end (at most 3 bytes).
        var end = bytes.count
        var back = 0
        while back < 3, end > 0, bytes[end - 1] & 0xC0 == 0x80 {
            end -= 1
            back += 1
        }
        if end > 0, bytes[end - 1] >= 0xC0 {
            let lead = bytes[end - 1]
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            if back + 1 < length { return Array(bytes[..<(end - 1)]) }
        }
        return bytes
    }

    /// A log's lines as the executor writes them: `TIME STREAM TEXT`.
    static func lines(_ bytes: [UInt8]) -> [LogLine] {
        guard !bytes.isEmpty else { return [] }
        let text = String(decoding: bytes, as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(bytes.last == UInt8(ascii: "\n") ? 1 : 0).map { line in
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count >= 2, parts[1] == "stdout" || parts[1] == "stderr" else {
                return LogLine(time: nil, stream: nil, text: String(line))
            }
            return LogLine(time: String(parts[0]), stream: String(parts[1]), text: parts.count == 3 ? String(parts[2]) : "")
        }
    }
}
