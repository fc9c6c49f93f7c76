import BatonOperations
import BatonServer
import Foundation
import Testing

/// Every route of the API behind its bearer token: none or a wrong one is 401, a `read`
/// token on a write is 403 and changes nothing.
@Suite struct APIAuthTests {
    static let reads = [
        "/status", "/pipelines", "/pipelines/hello", "/pipelines/hello/versions", "/pipelines/hello/audit", "/runs", "/runs/1",
        "/runs/1/tasks/greet/attempts/1/log", "/openapi.yaml",
    ]
    static let writes = [
        "/reconcile", "/pipelines/hello/trigger", "/pipelines/hello/suspend", "/pipelines/hello/resume", "/runs/1/cancel", "/runs/1/retry",
    ]

    @Test func everyRouteNeedsAValidToken() async throws {
        let server = try await APIFixture.server()
        for (method, path) in Self.reads.map({ ("GET", $0) }) + Self.writes.map({ ("POST", $0) }) {
            let none = try await server.call(method, path, token: nil)
            #expect(none.status == 401, "\(method) \(path)")
            #expect(none.errorCode == "unauthorized")
            #expect(none.header("www-authenticate")?.hasPrefix("Bearer") == true)
            let wrong = try await server.call(method, path, token: "not-a-token")
            #expect(wrong.status == 401, "\(method) \(path)")
            #expect(wrong.errorMessage?.contains("not valid") == true)
        }
        await server.stop()
    }

    @Test func aReadTokenReadsEverythingAndWritesNothing() async throws {
        let server = try await APIFixture.server()
        let run = try await server.trigger("hello")
        _ = try await server.waitForRun(run.id)
        for path in Self.reads {
            let reply = try await server.call(path, token: ServerHarness.readToken)
            #expect(reply.status == 200, "GET \(path): \(reply.body)")
        }
        for path in Self.writes {
            let reply = try await server.call("POST", path, token: ServerHarness.readToken)
            #expect(reply.status == 403, "POST \(path)")
            #expect(reply.errorCode == "forbidden")
            #expect(reply.errorMessage?.contains("\"reader\"") == true)
        }
        // Nothing was written: one run (the operator's), no suspension.
        #expect(try await server.api(RunPage.self, "/runs").runs.map(\.id) == [run.id])
        #expect(try await server.api(PipelineDetail.self, "/pipelines/hello").pipeline.suspended == false)
        await server.stop()
    }
}
