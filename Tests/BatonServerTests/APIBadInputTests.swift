import BatonOperations
import BatonServer
import Foundation
import Testing

/// Requests that make no sense are 400 `bad-request` (or the operation's own code) with a
/// message naming what was wrong, and change nothing.
@Suite struct APIBadInputTests {
    struct Case: Sendable {
        var method = "GET"
        var path: String
        var headers: [(String, String)] = []
        var body: String?
        var code = "bad-request"
        /// A word the message must hold (the parameter or field it names).
        var names: String
    }

    static let json = APIFixture.json
    static let cases: [Case] = [
        Case(path: "/runs/abc", names: "run id"),
        Case(path: "/runs/0", names: "run id"),
        Case(path: "/runs/-3", names: "run id"),
        Case(path: "/runs/99999999999999999999", names: "run id"),
        Case(path: "/runs/abc/tasks/greet/attempts/1/log", names: "run id"),
        Case(path: "/runs/1/tasks/greet/attempts/x/log", names: "attempt number"),
        Case(path: "/runs/1/tasks/greet/attempts/-1/log", names: "attempt number"),
        Case(path: "/runs/1/tasks/greet/attempts/1/log?offset=-1", names: "offset"),
        Case(path: "/runs/1/tasks/greet/attempts/1/log?offset=2", headers: [("Range", "bytes=0-1")], names: "not both"),
        Case(path: "/runs/1/tasks/greet/attempts/1/log", headers: [("Range", "bytes=x-")], names: "Range"),
        Case(path: "/runs?limit=0", names: "limit"),
        Case(path: "/runs?limit=1001", names: "limit"),
        Case(path: "/runs?limit=ten", names: "limit"),
        Case(path: "/runs?limit=1&limit=2", names: "limit"),
        Case(path: "/runs?state=sleeping", names: "state"),
        Case(path: "/runs?trigger=cron", names: "trigger"),
        Case(path: "/runs?attempts=yes", names: "attempts"),
        Case(path: "/runs?pipeline=", names: "pipeline"),
        Case(path: "/runs?cursor=not-a-cursor", code: "bad-cursor", names: "cursor"),
        Case(path: "/runs?pipelin=hello", names: "pipelin"),
        Case(path: "/status?verbose=1", names: "verbose"),
        Case(path: "/pipelines?fireTimes=51", names: "fireTimes"),
        Case(path: "/pipelines?recentRuns=-1", names: "recentRuns"),
        Case(path: "/pipelines/hello?auditLimit=0", names: "auditLimit"),
        Case(path: "/pipelines/hello/audit?limit=10001", names: "limit"),
        Case(method: "POST", path: "/pipelines/hello/trigger", headers: json, body: "{", names: "not valid JSON"),
        Case(method: "POST", path: "/pipelines/hello/trigger", headers: json, body: "[1]", names: "JSON object"),
        Case(method: "POST", path: "/pipelines/hello/trigger", headers: [("Content-Type", "text/plain")], body: "{}", names: "Content-Type"),
        Case(method: "POST", path: "/pipelines/hello/trigger", body: "{}", names: "Content-Type"),
        Case(method: "POST", path: "/pipelines/hello/trigger", headers: json, body: #"{"params": {}}"#, names: "\"params\""),
        Case(method: "POST", path: "/pipelines/hello/trigger", headers: json, body: #"{"parameters": ["eu"]}"#, names: "parameters"),
        Case(method: "POST", path: "/pipelines/params/trigger", headers: json, body: #"{"parameters": {"region": 3}}"#, names: "parameters.region"),
        Case(method: "POST", path: "/pipelines/hello/suspend", headers: json, body: #"{"reason": 7}"#, names: "reason"),
        Case(method: "POST", path: "/pipelines/hello/suspend", headers: json, body: #"{"reasn": "typo"}"#, names: "\"reasn\""),
        Case(method: "POST", path: "/pipelines/hello/suspend", headers: json, body: "{\"reason\": \"\(String(repeating: "x", count: 1001))\"}", names: "reason"),
        Case(method: "POST", path: "/pipelines/hello/resume", headers: json, body: #"{"reason": "x"}"#, names: "no fields"),
        Case(method: "POST", path: "/runs/1/cancel", headers: json, body: #"{"force": true}"#, names: "\"force\""),
        Case(method: "POST", path: "/reconcile?now=1", names: "now"),
    ]

    @Test func eachIsRefusedNamingWhatWasWrong() async throws {
        let server = try await APIFixture.server()
        let run = try await server.trigger("hello")
        _ = try await server.waitForRun(run.id)
        for item in Self.cases {
            let reply = try await server.call(item.method, item.path, headers: item.headers, body: item.body)
            #expect(reply.status == 400, "\(item.method) \(item.path): \(reply.status) \(reply.body)")
            #expect(reply.errorCode == item.code, "\(item.method) \(item.path): \(reply.body)")
            #expect(reply.errorMessage?.contains(item.names) == true, "\(item.method) \(item.path): \(reply.body)")
        }
        // Nothing was triggered or suspended by any of them.
        #expect(try await server.api(RunPage.self, "/runs").runs.map(\.id) == [run.id])
        #expect(try await server.api(PipelineDetail.self, "/pipelines/hello").pipeline.suspended == false)
        await server.stop()
    }

    @Test func aBodyOverOneMebibyteIs413() async throws {
        let server = try await APIFixture.server()
        let big = "{\"reason\": \"\(String(repeating: "x", count: 1 << 20))\"}"
        let reply = try await server.call("POST", "/pipelines/hello/suspend", headers: APIFixture.json, body: big)
        #expect(reply.status == 413)
        #expect(reply.errorCode == "body-too-large")
        await server.stop()
    }
}
