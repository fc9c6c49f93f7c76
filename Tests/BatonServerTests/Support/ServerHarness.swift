import AsyncHTTPClient
import BatonDaemon
import BatonGit
import BatonServer
import BatonStore
import BatonTestSupport
import Crypto
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A real daemon on a real state directory, following a real fixture repository, with the
/// HTTP server on a free loopback port: what `baton serve --http 127.0.0.1:0` runs, in
/// process.
///
/// Tokens: `reader` (role read) and `operator` (role operate); the webhook secret is written
/// to `<state>/secrets/webhook` unless the test asks for none.
final class ServerHarness: Sendable {
    static let readToken = "read-token-6f1c2a"
    static let operateToken = "operate-token-9b7e4d"
    static let webhookSecret = "webhook-secret-3a8d"

    let temp: TemporaryDirectory
    let repository: FixtureRepository
    let state: String
    let logs = LogCapture()
    let handle: DaemonHandle
    let address: HTTPAddress
    private let group: ServiceGroup
    private let running: Task<Result<Void, any Error>, Never>

    var base: String { "http://127.0.0.1:\(address.port)" }

    /// Starts the daemon and waits until the server listens and the first pass has ended.
    ///
    /// - Parameters:
    ///   - source: nil for the fixture repository; a URL to follow something else (a broken
    ///     source for readiness tests).
    ///   - routes: extra route groups, as the API and the dashboard will add theirs.
    init(webhookSecret: Bool = true, source: String? = nil, readiness: ReadinessPolicy = ReadinessPolicy(), routes: [any BatonRoutes] = [],
         port: Int = 0, manifests: [String: String]? = nil) async throws {
        temp = try TemporaryDirectory()
        repository = try FixtureRepository(at: temp.sub("repo"))
        for (name, body) in manifests ?? ["hello": Self.manifest("hello")] {
            try repository.write("manifests/\(name).json", body)
        }
        try repository.commit("pipelines")
        state = temp.sub("state")
        try FileManager.default.createDirectory(atPath: "\(state)/secrets", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if webhookSecret {
            try Data((Self.webhookSecret + "\n").utf8).write(to: URL(fileURLWithPath: "\(state)/secrets/webhook"))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: "\(state)/secrets/webhook")
        }
        let tokens = try TokenFile.parse("""
            # name role sha256
            reader read \(Self.sha256(Self.readToken))
            operator operate \(Self.sha256(Self.operateToken))
            """, file: "tokens")
        let metrics = ServerMetrics()
        // Whichever comes first: the server listening, or the daemon failing to start.
        let started = OneShot<Result<HTTPAddress, any Error>>()
        let handles = OneShot<DaemonHandle>()
        let server = HTTPServerConfiguration(
            address: HTTPAddress(host: "127.0.0.1", port: port), tokens: tokens, metrics: metrics, readiness: readiness, routes: routes,
            onListening: { started.set(.success($0)) })
        var configuration = DaemonConfiguration(
            stateDirectory: state, source: GitSource(url: source ?? repository.path), credentials: .none, interval: 3600, workers: 2,
            grace: .seconds(5), alertRetryDelay: .milliseconds(10))
        configuration.metrics = metrics.factory
        let companion = HTTPServer.companion(server)
        configuration.companions = [{ handle in
            handles.set(handle)
            return try await companion(handle)
        }]
        let logger = logs.logger
        let daemon = Daemon(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: daemon)], logger: logger))
        self.group = group
        running = Task {
            do {
                try await group.run()
                started.set(.failure(StoppedBeforeListening()))
                return .success(())
            } catch {
                started.set(.failure(error))
                return .failure(error)
            }
        }
        address = try await started.value.get()
        handle = await handles.value
        if handle.reconcileFacts.passes == 0 { _ = try await handle.pass(after: 0) }
    }

    /// A graceful stop, as SIGTERM does; returns how the daemon ended.
    @discardableResult
    func stop() async -> Result<Void, any Error> {
        await group.triggerGracefulShutdown()
        return await running.value
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func manifest(_ name: String, run: String = "echo hello from $BATON_TASK_ID") -> String {
        """
        {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "\(name)", "schedule": {"cron": "0 2 * * *"},
         "tasks": [{"id": "greet", "run": "\(run)"}]}
        """
    }

    // MARK: HTTP

    struct Reply: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: String

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        /// The body as a JSON object.
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }

        /// `error.code` of the one error shape, or nil.
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
    }

    func request(_ method: String, _ path: String, token: String? = nil, headers: [(String, String)] = [], body: [UInt8]? = nil,
                 chunked: Bool = false) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = .init(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            if chunked {
                let chunks = stride(from: 0, to: body.count, by: 64 * 1024).map { ByteBuffer(bytes: body[$0..<min($0 + 64 * 1024, body.count)]) }
                request.body = .stream(chunks.async, length: .unknown)
            } else {
                request.body = .bytes(body)
            }
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: String(decoding: bytes.readableBytesView, as: UTF8.self))
    }
}

struct StoppedBeforeListening: Error {}

/// An array as an async sequence, for a streamed (chunked) request body.
struct AsyncArray<Element: Sendable>: AsyncSequence, Sendable {
    let elements: [Element]
    struct AsyncIterator: AsyncIteratorProtocol {
        var index = 0
        let elements: [Element]
        mutating func next() async -> Element? {
            guard index < elements.count else { return nil }
            defer { index += 1 }
            return elements[index]
        }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(elements: elements) }
}

extension Array where Element: Sendable {
    var async: AsyncArray<Element> { AsyncArray(elements: self) }
}
