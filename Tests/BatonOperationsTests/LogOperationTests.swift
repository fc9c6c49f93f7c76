import BatonOperations
import BatonStore
import BatonTestSupport
import Foundation
import Testing

/// An attempt's log by byte offset: pieces that end at line ends, where the next starts,
/// whether the attempt has ended; and the parsed lines of `logs --json`.
@Suite struct LogOperationTests {
    /// A run with one attempt of `main` whose log holds `text`.
    func logged(_ text: String, state: TaskState) async throws -> (OperationsHarness, Int64) {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["a": OperationsHarness.manifest("a")])
        let run = try await harness.recordRun("a", state: state == .running ? .running : .failed, trigger: .manual)
        let path = harness.temp.sub("main.log")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        _ = try await harness.store.insertAttempt(TaskAttemptRecord(runID: run.id!, taskID: "main", attempt: 1, state: state, logPath: path))
        return (harness, run.id!)
    }

    @Test func piecesEndAtLineEndsAndFollowOnFromTheNextOffset() async throws {
        let text = "2026-01-01T00:00:00.000Z stdout one\n2026-01-01T00:00:01.000Z stdout two\n2026-01-01T00:00:02.000Z stderr three\n"
        let (harness, id) = try await logged(text, state: .running)
        let first = try await harness.operations.log(LogRequest(run: id, task: "main", offset: 0, limit: 50))
        #expect(first.text == "2026-01-01T00:00:00.000Z stdout one\n")
        #expect(first.nextOffset == 36)
        #expect(first.size == UInt64(text.utf8.count))
        #expect(!first.ended && !first.complete)
        let rest = try await harness.operations.log(LogRequest(run: id, task: "main", offset: first.nextOffset))
        #expect(first.text + rest.text == text)
        #expect(rest.nextOffset == rest.size)
        let end = try await harness.operations.log(LogRequest(run: id, task: "main", offset: rest.nextOffset))
        #expect(end.bytes.isEmpty)
        #expect(end.nextOffset == end.size)
    }

    @Test func aPieceNeverSplitsACharacter() async throws {
        let (harness, id) = try await logged("héé", state: .failed)
        // "h" and the first "é" (2 bytes) fit in 4 bytes; the second "é" would be cut.
        let piece = try await harness.operations.log(LogRequest(run: id, task: "main", limit: 4))
        #expect(piece.text == "hé")
        #expect(piece.nextOffset == 3)
        #expect(piece.ended)
        let rest = try await harness.operations.log(LogRequest(run: id, task: "main", offset: 3))
        #expect(rest.text == "é")
        #expect(rest.complete)
    }

    @Test func unknownTasksAttemptsAndOffsetsAreRefused() async throws {
        let (harness, id) = try await logged("x\n", state: .failed)
        let task = await #expect(throws: OperationError.self) { try await harness.operations.log(LogRequest(run: id, task: "nope")) }
        #expect(task?.code == .unknownTask)
        let attempt = await #expect(throws: OperationError.self) { try await harness.operations.log(LogRequest(run: id, task: "main", attempt: 7)) }
        #expect(attempt?.code == .unknownAttempt)
        #expect(attempt?.httpStatus == 404)
        let offset = await #expect(throws: OperationError.self) { try await harness.operations.log(LogRequest(run: id, task: "main", offset: 100)) }
        #expect(offset?.code == .badRequest)
        let run = await #expect(throws: OperationError.self) { try await harness.operations.log(LogRequest(run: 999, task: "main")) }
        #expect(run?.code == .unknownRun)
        let limit = await #expect(throws: OperationError.self) { try await harness.operations.log(LogRequest(run: id, task: "main", limit: 0)) }
        #expect(limit?.code == .badRequest)
    }

    @Test func runLogsParseEachLine() async throws {
        let (harness, id) = try await logged("2026-01-01T00:00:00.000Z stdout hello world\nnot a log line\n", state: .failed)
        let logs = try await harness.operations.runLogs(id)
        #expect(logs.run.id == id)
        #expect(logs.run.attempts == nil)
        #expect(logs.attempts.first?.lines == [
            LogLine(time: "2026-01-01T00:00:00.000Z", stream: "stdout", text: "hello world"),
            LogLine(time: nil, stream: nil, text: "not a log line"),
        ])
        let unknown = await #expect(throws: OperationError.self) { try await harness.operations.runLogs(id, task: "other") }
        #expect(unknown?.code == .unknownTask)
    }

    @Test func anAttemptWithoutALogIsAnEmptyPiece() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["a": OperationsHarness.manifest("a")])
        let run = try await harness.recordRun("a", state: .failed, trigger: .manual)
        _ = try await harness.store.insertAttempt(TaskAttemptRecord(runID: run.id!, taskID: "main", attempt: 1, state: .failed, reason: "secret \"db\" is not set"))
        let piece = try await harness.operations.log(LogRequest(run: run.id!, task: "main"))
        #expect(piece.bytes.isEmpty && piece.complete)
    }
}
