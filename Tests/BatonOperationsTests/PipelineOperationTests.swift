import BatonOperations
import BatonStore
import BatonTestSupport
import Foundation
import Testing

/// One pipeline: its versions (author, committer, merger), audit events, parameters and the
/// graph of its tasks; `history` and `audit`.
@Suite struct PipelineOperationTests {
    static let graph = #"""
        [{ "id": "extract", "run": "true" },
         { "id": "transform", "needs": ["extract"], "run": "true" },
         { "id": "load", "needs": ["transform"], "http": { "method": "POST", "url": "https://warehouse.example/load" } },
         { "id": "cleanup", "needs": ["load"], "when": "always", "run": "true" }]
        """#

    @Test func aPipelineComesWithItsVersionsAuditParametersAndGraph() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["etl": OperationsHarness.manifest("etl", tasks: Self.graph)], message: "Add etl")
        try await harness.commitAndReconcile(
            ["etl": OperationsHarness.manifest("etl", schedule: #"{ "cron": "0 3 * * *" }"#,
                                               fields: #""parameters": { "region": { "default": "us", "allowed": ["us", "eu"] } }"#, tasks: Self.graph)],
            message: "Run at three", author: .bo, committer: .dee)

        let detail = try await harness.operations.pipeline("etl")
        #expect(detail.pipeline.version == 2)
        #expect(detail.versions.map(\.number) == [2, 1])
        let newest = try #require(detail.versions.first)
        #expect(newest.change == .update)
        #expect(newest.commit.author.email == "bo@example.com")
        #expect(newest.commit.committer.email == "dee@example.com")
        #expect(newest.commit.subject == "Run at three")
        #expect(newest.fields.map(\.pointer).contains("/schedule/cron"))
        #expect(detail.audit.map(\.change) == ["update", "create"])
        #expect(detail.parameters == [ParameterInfo(name: "region", defaultValue: "us", allowed: ["us", "eu"], required: false, description: nil)])
        #expect(detail.tasks.map(\.id) == ["extract", "transform", "load", "cleanup"])
        #expect(detail.tasks.map(\.needs) == [[], ["extract"], ["transform"], ["load"]])
        #expect(detail.tasks.map(\.kind) == ["run", "run", "http", "run"])
        #expect(detail.tasks.last?.when == "always")
    }

    @Test func anUnknownPipelineNamesTheCloseOnes() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["sales": OperationsHarness.manifest("sales")])
        let error = await #expect(throws: OperationError.self) { try await harness.operations.pipeline("sale") }
        #expect(error?.code == .unknownPipeline)
        #expect(error?.message == "no pipeline named \"sale\" has ever been applied; did you mean \"sales\"?")
        #expect(error?.httpStatus == 404)
        let history = await #expect(throws: OperationError.self) { try await harness.operations.history("nothing-like-it") }
        #expect(history?.message == "no pipeline named \"nothing-like-it\" has ever been applied; `baton status` lists the pipelines")
    }

    @Test func historyListsVersionsNewestFirstAndAuditFilters() async throws {
        let harness = try OperationsHarness()
        try await harness.commitAndReconcile(["a": OperationsHarness.manifest("a"), "b": OperationsHarness.manifest("b")])
        try await harness.commitAndReconcile(["a": OperationsHarness.manifest("a", schedule: #"{ "every": "1h" }"#)], author: .bo)
        let history = try await harness.operations.history("a")
        #expect(history.currentVersion == 2)
        #expect(history.versions.map(\.change) == [.update, .create])

        let byBo = try await harness.operations.audit(AuditRequest(author: "BO@example.com"))
        #expect(byBo.events.map(\.pipeline) == ["a"])
        let limited = try await harness.operations.audit(AuditRequest(limit: 1))
        #expect(limited.events.count == 1)
        let ofB = try await harness.operations.audit(AuditRequest(pipeline: "b"))
        #expect(ofB.events.map(\.change) == ["create"])
        let bad = await #expect(throws: OperationError.self) { try await harness.operations.audit(AuditRequest(limit: 0)) }
        #expect(bad?.code == .badRequest)
    }
}
