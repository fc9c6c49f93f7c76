@testable import BatonStore
import BatonTestSupport
import Foundation
import GRDB
import Testing

/// Many runs writing at once through the group commit: every write lands, and one
/// that fails is rolled back alone.
@Suite struct GroupCommitTests {
    typealias F = StoreFixtures

    @Test func concurrentWritesAllLandAndAFailingOneFailsAlone() async throws {
        let temp = try TemporaryDirectory()
        let store = try SQLiteStore(stateDirectory: temp.sub("state"))
        let run = try await store.createRun(RunRecord(pipeline: "etl", versionID: nil, scheduledAt: nil, trigger: .manual, state: .running, createdAt: F.time(1)))
        let runID = try #require(run.run.id)
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<200 {
                group.addTask {
                    if index == 77 {
                        // A row that does not exist: this write fails, the others do not.
                        do {
                            try await store.updateAttempt(TaskAttemptRecord(id: 999_999, runID: runID, taskID: "x", attempt: 1, state: .failed))
                            return false
                        } catch let error as StoreError {
                            return error.code == .notFound
                        }
                    }
                    var attempt = try await store.insertAttempt(TaskAttemptRecord(runID: runID, taskID: "t\(index)", attempt: 1, state: .running))
                    attempt.state = .succeeded
                    try await store.updateAttempt(attempt)
                    return true
                }
            }
            var all: [Bool] = []
            for try await outcome in group { all.append(outcome) }
            return all
        }
        #expect(outcomes.count == 200 && outcomes.allSatisfy { $0 })
        let attempts = try await store.attempts(ofRun: runID)
        #expect(attempts.count == 199)
        #expect(attempts.allSatisfy { $0.state == .succeeded })
        #expect(Set(attempts.map(\.taskID)).count == 199)
    }
}

/// A row rewritten many times keeps its dates to the millisecond.
@Suite struct DatabaseDateTests {
    @Test func datesSurviveBeingReadAndWrittenAgain() async throws {
        let temp = try TemporaryDirectory()
        let store = try SQLiteStore(stateDirectory: temp.sub("state"))
        let created = Date(timeIntervalSince1970: 1_800_000_000.119)
        let run = try await store.createRun(RunRecord(pipeline: "p", versionID: nil, scheduledAt: nil, trigger: .manual, state: .running, createdAt: created, startedAt: created))
        let id = try #require(run.run.id)
        for _ in 0..<5 { _ = try await store.updateRun(id: id) { $0.reason = "rewritten" } }
        let stored = try #require(try await store.run(id: id))
        #expect(abs(stored.createdAt.timeIntervalSince(created)) < 0.000_5)
        #expect(abs(try #require(stored.startedAt).timeIntervalSince(created)) < 0.000_5)
    }
}
