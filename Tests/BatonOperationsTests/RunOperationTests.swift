import BatonOperations
import BatonStore
import BatonTestSupport
import Foundation
import Testing

/// Listing runs (filters, paging by cursor) and one run with its attempts and graph.
@Suite struct RunOperationTests {
    @Test func pagesWalkEveryMatchingRunOnceNewestFirst() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["a": OperationsHarness.manifest("a"), "b": OperationsHarness.manifest("b")])
        var expected: [Int64] = []
        for index in 0..<23 {
            let pipeline = index % 3 == 0 ? "b" : "a"
            let state: RunRecord.State = index % 2 == 0 ? .failed : .succeeded
            let run = try await harness.recordRun(pipeline, state: state, slot: OperationsHarness.now.addingTimeInterval(Double(index) * 60))
            if pipeline == "a", state == .failed { expected.append(run.id!) }
        }
        var seen: [Int64] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try await harness.operations.runs(RunsRequest(pipeline: "a", states: [.failed], limit: 3, cursor: cursor))
            #expect(page.runs.count <= 3)
            #expect(page.runs.allSatisfy { $0.pipeline == "a" && $0.state == .failed })
            seen += page.runs.map(\.id)
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil && pages < 20
        #expect(seen == expected.reversed())
        #expect(pages == (expected.count + 2) / 3)
    }

    @Test func triggerFilterAndAttempts() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["a": OperationsHarness.manifest("a")])
        let manual = try await harness.recordRun("a", state: .failed, trigger: .manual)
        try await harness.recordRun("a", state: .succeeded, slot: OperationsHarness.now)
        _ = try await harness.store.insertAttempt(TaskAttemptRecord(runID: manual.id!, taskID: "main", attempt: 1, state: .failed, exitCode: 3, reason: "exit 3"))
        let page = try await harness.operations.runs(RunsRequest(trigger: .manual, withAttempts: true))
        #expect(page.runs.map(\.id) == [manual.id!])
        #expect(page.nextCursor == nil)
        #expect(page.runs.first?.attempts?.map(\.exitCode) == [3])
        #expect(page.runs.first?.attempts?.first?.hasLog == false)
        let without = try await harness.operations.runs(RunsRequest())
        #expect(without.runs.count == 2)
        #expect(without.runs.allSatisfy { $0.attempts == nil })
    }

    @Test(arguments: ["not-a-cursor", "cjE6LTU", "eDox", ""])
    func aCursorNotHandedOutIsRefused(_ cursor: String) async throws {
        let harness = try OperationsHarness()
        let error = await #expect(throws: OperationError.self) { try await harness.operations.runs(RunsRequest(cursor: cursor)) }
        #expect(error?.code == .badCursor)
        #expect(error?.httpStatus == 400)
        #expect(error?.exitCode == 2)
    }

    @Test(arguments: [0, 1_001])
    func aLimitOutOfRangeIsABadRequest(_ limit: Int) async throws {
        let harness = try OperationsHarness()
        let error = await #expect(throws: OperationError.self) { try await harness.operations.runs(RunsRequest(limit: limit)) }
        #expect(error?.code == .badRequest)
    }

    @Test func aRunComesWithItsAttemptsAndTheGraphOfItsVersion() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["etl": OperationsHarness.manifest("etl", tasks: PipelineOperationTests.graph)])
        let run = try await harness.recordRun("etl", state: .failed, trigger: .manual)
        let id = try #require(run.id)
        for (task, attempt, state) in [("extract", 1, TaskState.succeeded), ("transform", 1, .failed), ("transform", 2, .failed), ("load", 0, .skipped)] {
            _ = try await harness.store.insertAttempt(TaskAttemptRecord(runID: id, taskID: task, attempt: attempt, state: state))
        }
        let detail = try await harness.operations.run(id)
        #expect(detail.run.id == id)
        #expect(detail.run.attempts?.count == 4)
        #expect(detail.version?.number == 1)
        #expect(detail.tasks.map(\.task.id) == ["extract", "transform", "load", "cleanup"])
        #expect(detail.tasks.map(\.state) == [TaskState.succeeded, .failed, .skipped, .pending])
        #expect(detail.tasks.map(\.attempts) == [1, 2, 0, 0])
        #expect(detail.tasks[2].task.needs == ["transform"])
    }

    @Test func anUnknownRunIsNotFound() async throws {
        let harness = try OperationsHarness()
        let error = await #expect(throws: OperationError.self) { try await harness.operations.run(99) }
        #expect(error?.code == .unknownRun)
        #expect(error?.httpStatus == 404)
        #expect(error?.exitCode == 1)
    }
}
