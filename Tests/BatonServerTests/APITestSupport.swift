import BatonOperations
import BatonServer
import Foundation
import Testing

/// The pipelines the API tests run on a real daemon: one that greets, one with a parameter,
/// one that fails and one slow enough to be cancelled while it runs.
enum APIFixture {
    static let manifests: [String: String] = [
        "hello": ServerHarness.manifest("hello"),
        "params": """
            {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "params",
             "parameters": {"region": {"default": "us", "allowed": ["us", "eu"]}},
             "tasks": [{"id": "show", "run": "echo region=$BATON_PARAM_REGION; echo second line"}]}
            """,
        "broken": """
            {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "broken",
             "tasks": [{"id": "fail", "run": "echo about to fail; exit 3"}]}
            """,
        "slow": """
            {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "slow",
             "tasks": [{"id": "wait", "run": "echo waiting; sleep 60"}]}
            """,
    ]

    /// A daemon with the API and the pipelines above, reconciled.
    static func server() async throws -> ServerHarness {
        try await ServerHarness(routes: [APIRoutes()], manifests: manifests)
    }

    static let json = [("Content-Type", "application/json")]
}

struct APIReplyError: Error, CustomStringConvertible {
    var description: String
}

extension ServerHarness {
    /// Calls the API and decodes its answer as the operations' own result type, failing when
    /// the status is not `status`: what a typed client of the API does.
    func api<T: Decodable>(_ type: T.Type, _ path: String, token: String = ServerHarness.operateToken) async throws -> T {
        try await api(type, "GET", path, token: token)
    }

    func api<T: Decodable>(_ type: T.Type, _ method: String, _ path: String, token: String = ServerHarness.operateToken,
                           body: String? = nil, status: Int = 200) async throws -> T {
        let reply = try await request(method, "/api/v1" + path, token: token, headers: body == nil ? [] : APIFixture.json, body: body.map { Array($0.utf8) })
        guard reply.status == status else {
            throw APIReplyError(description: "\(method) \(path): expected \(status), got \(reply.status): \(reply.body)")
        }
        #expect(reply.header("content-type")?.hasPrefix("application/json") == true)
        return try OperationJSON.decoder.decode(T.self, from: Data(reply.body.utf8))
    }

    /// The API's reply, undecoded.
    func call(_ path: String, token: String? = ServerHarness.operateToken, headers: [(String, String)] = []) async throws -> Reply {
        try await call("GET", path, token: token, headers: headers)
    }

    func call(_ method: String, _ path: String, token: String? = ServerHarness.operateToken, headers: [(String, String)] = [],
              body: String? = nil) async throws -> Reply {
        try await request(method, "/api/v1" + path, token: token, headers: headers, body: body.map { Array($0.utf8) })
    }

    /// Triggers a run through the API and returns it, queued.
    func trigger(_ pipeline: String, body: String? = nil) async throws -> RunSummary {
        try await api(QueuedRun.self, "POST", "/pipelines/\(pipeline)/trigger", body: body, status: 202).run
    }

    /// Reads the run through the API until `done` holds (the daemon runs it meanwhile), for
    /// at most 30 s.
    func waitForRun(_ id: Int64, until done: (RunDetail) -> Bool = { $0.run.isFinished }) async throws -> RunDetail {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let detail = try await api(RunDetail.self, "/runs/\(id)")
            if done(detail) { return detail }
            guard ContinuousClock.now < deadline else {
                throw APIReplyError(description: "run \(id) is still \(detail.run.state) after 30 s")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
