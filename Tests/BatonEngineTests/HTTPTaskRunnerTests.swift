@testable import BatonEngine
import BatonManifest
import BatonTestSupport
import Foundation
import Testing

/// A real HTTP server on 127.0.0.1, one per test so tests can run in parallel: a small Python
/// `http.server` script started on port 0 that prints the port it got.
///
/// Paths: `/record` stores the request (method, headers, body) in `seen.json` beside the
/// script, then answers 200; `/status/N` answers N; `/hang` reads the request and never
/// answers; `/large/N` answers N bytes of 100-byte numbered lines; `/echo/NAME` answers with
/// the value of request header NAME; `/flaky/N` answers 503 to the first N requests, then
/// records like `/record`; `/redirect/STATUS/PORT/REST` answers STATUS with `Location:
/// http://127.0.0.1:PORT/REST` (`/REST`, relative, when PORT is `here`); `/loop` redirects to
/// itself; `/mirror` answers with the request's body.
final class LoopbackServer {
    static let script = #"""
        import json, sys, threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        folder = sys.argv[1]

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def answer(self, status, body):
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = self.path.strip("/").split("/")
                if parts[0] == "record":
                    with open(folder + "/seen.json.tmp", "w") as f:
                        json.dump({"method": self.command, "headers": dict(self.headers.items()),
                                   "body": body.decode()}, f)
                    import os
                    os.rename(folder + "/seen.json.tmp", folder + "/seen.json")
                    self.answer(200, b"recorded\nsecond line\n")
                elif parts[0] == "status":
                    self.answer(int(parts[1]), b"status body\n")
                elif parts[0] == "hang":
                    threading.Event().wait()
                elif parts[0] == "large":
                    size = int(parts[1])
                    self.send_response(200)
                    self.send_header("Content-Length", str(size))
                    self.end_headers()
                    try:
                        line = 0
                        sent = 0
                        while sent < size:
                            chunk = ("line %06d " % line).ljust(99, "x").encode() + b"\n"
                            chunk = chunk[: size - sent]
                            self.wfile.write(chunk)
                            sent += len(chunk)
                            line += 1
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                elif parts[0] == "flaky":
                    # Fails the first N requests with 503, then behaves like /record.
                    import os
                    counter = folder + "/flaky.count"
                    count = int(open(counter).read()) if os.path.exists(counter) else 0
                    open(counter, "w").write(str(count + 1))
                    if count < int(parts[1]):
                        self.answer(503, b"try again\n")
                    else:
                        with open(folder + "/seen.json.tmp", "w") as f:
                            json.dump({"method": self.command, "headers": dict(self.headers.items()),
                                       "body": body.decode(), "tries": count + 1}, f)
                        os.rename(folder + "/seen.json.tmp", folder + "/seen.json")
                        self.answer(200, b"ok\n")
                elif parts[0] == "redirect":
                    rest = "/".join(parts[3:])
                    location = "/" + rest if parts[2] == "here" else "http://127.0.0.1:%s/%s" % (parts[2], rest)
                    self.send_response(int(parts[1]))
                    self.send_header("Location", location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif parts[0] == "loop":
                    self.send_response(302)
                    self.send_header("Location", "/loop")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif parts[0] == "mirror":
                    self.answer(200, body)
                elif parts[0] == "echo":
                    self.answer(200, ("you sent: %s\n" % self.headers.get(parts[1], "")).encode())
                else:
                    self.answer(404, b"no such path\n")

            do_GET = do_POST = do_PUT = do_DELETE = handle_any

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#

    let directory: TemporaryDirectory
    let port: Int
    private let process: Process

    init() throws {
        directory = try TemporaryDirectory()
        let scriptPath = directory.sub("server.py")
        try Data(Self.script.utf8).write(to: URL(fileURLWithPath: scriptPath))
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptPath, directory.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Blocks until the server has bound its socket and printed the port: an event, not a sleep.
        var printed = Data()
        while !printed.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed.append(chunk)
        }
        guard let port = Int(String(decoding: printed, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw EngineError(.io, "the test HTTP server did not print its port: \(String(decoding: printed, as: UTF8.self))")
        }
        self.port = port
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// What `/record` saw.
    func seen() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory.sub("seen.json")))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// SIGKILL rather than `terminate()`: a child of the test process inherits its blocked
    /// signal mask, with SIGTERM blocked, so SIGTERM would never arrive.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

@Suite struct HTTPTaskRunnerTests {
    let logs: TemporaryDirectory
    let runner = HTTPTaskRunner()

    init() throws { logs = try TemporaryDirectory() }

    func logLines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// The text after `TIMESTAMP stdout `, checking the prefix on the way.
    func text(of line: String) throws -> String {
        let match = try #require(try #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z stdout (.*)$/#.wholeMatch(in: line))
        return String(match.output.1)
    }

    @Test func aSuccessfulCallSendsHeadersAndBodyAndLogsTheResponse() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let log = logs.sub("runs/1/record.log")
        let outcome = await runner.run(
            HTTPRequestSpec(method: "POST", url: server.url("/record"), body: #"{"rows": 42}"#),
            headers: ["X-Baton-Test": "hello", "Content-Type": "application/json"],
            timeout: .seconds(30), logPath: log, redactor: .none)

        #expect(outcome.status == 200)
        #expect(outcome.succeeded)
        #expect(!outcome.timedOut)
        #expect(outcome.reason == nil)
        #expect(outcome.startedAt <= outcome.endedAt)
        #expect(outcome.logBytes == (try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int))

        let seen = try server.seen()
        #expect(seen["method"] as? String == "POST")
        #expect((seen["headers"] as? [String: String])?["X-Baton-Test"] == "hello")
        #expect((seen["headers"] as? [String: String])?["Content-Type"] == "application/json")
        #expect(seen["body"] as? String == #"{"rows": 42}"#)

        let texts = try logLines(log).map(text(of:))
        #expect(texts == ["POST \(server.url("/record"))", "HTTP/1.1 200 OK", "recorded", "second line"])
    }

    @Test func anUnexpectedStatusFailsTheTask() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let log = logs.sub("500.log")
        let outcome = await runner.run(
            HTTPRequestSpec(method: "GET", url: server.url("/status/500"), expectStatus: [200]),
            headers: [:], timeout: .seconds(30), logPath: log, redactor: .none)
        #expect(outcome.status == 500)
        #expect(!outcome.succeeded)
        #expect(!outcome.timedOut)
        #expect(outcome.reason == "unexpected status 500, expected 200")
        let texts = try logLines(log).map(text(of:))
        #expect(texts.contains("HTTP/1.1 500 Internal Server Error"))
        #expect(texts.contains("status body"))
        #expect(texts.last == "baton: unexpected status 500, expected 200")
    }

    @Test(arguments: [
        (204, nil, true), (299, nil, true), (404, nil, false), (202, [201, 202], true), (200, [201, 202], false),
    ] as [(Int, [Int]?, Bool)])
    func theExpectedStatusesDecideSuccess(status: Int, expected: [Int]?, succeeds: Bool) async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let outcome = await runner.run(
            HTTPRequestSpec(url: server.url("/status/\(status)"), expectStatus: expected),
            headers: [:], timeout: .seconds(30), logPath: logs.sub("status.log"), redactor: .none)
        #expect(outcome.status == status)
        #expect(outcome.succeeded == succeeds)
        #expect(outcome.reason?.contains(expected == nil ? "expected 2xx" : "expected 201, 202") ?? true)
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let log = logs.sub("hang.log")
        let clock = ContinuousClock()
        let started = clock.now
        let outcome = await runner.run(
            HTTPRequestSpec(url: server.url("/hang")), headers: [:], timeout: .milliseconds(500),
            logPath: log, redactor: .none)
        let elapsed = clock.now - started
        #expect(elapsed >= .milliseconds(500))
        #expect(elapsed < .seconds(20), "well before the server would ever answer (never); generous for a loaded machine")
        #expect(outcome.timedOut)
        #expect(!outcome.succeeded)
        #expect(outcome.status == nil)
        #expect(outcome.reason == "timed out after 500ms")
        #expect(try logLines(log).map(text(of:)).last == "baton: timed out after 500ms")
    }

    @Test func aRefusedConnectionIsAFailedOutcome() async throws {
        let server = try LoopbackServer()
        server.stop()  // Nothing listens on its port any more.
        let clock = ContinuousClock()
        let started = clock.now
        let outcome = await runner.run(
            HTTPRequestSpec(url: server.url("/record")), headers: [:], timeout: .seconds(60),
            logPath: logs.sub("refused.log"), redactor: .none)
        // At once, not after retrying until the timeout: the task's retries decide what next.
        #expect(clock.now - started < .seconds(20))
        #expect(outcome.status == nil)
        #expect(!outcome.succeeded)
        #expect(!outcome.timedOut)
        #expect(outcome.reason?.hasPrefix("request failed: ") == true)
    }

    @Test func aLargeBodyIsLoggedUpTo64KiB() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let log = logs.sub("large.log")
        let outcome = await runner.run(
            HTTPRequestSpec(url: server.url("/large/5000000")), headers: [:], timeout: .seconds(30),
            logPath: log, redactor: .none)
        #expect(outcome.status == 200)
        #expect(outcome.succeeded)
        let body = Array(try logLines(log).map(text(of:)).dropFirst(2))
        // 655 whole 100-byte lines (65,500 bytes), then the first 36 bytes of line 655.
        #expect(body.count == 657)
        #expect(body[654] == "line 000654 " + String(repeating: "x", count: 87))
        #expect(body[655] == "line 000655 " + String(repeating: "x", count: 24))
        #expect(body.dropLast().reduce(0) { $0 + $1.utf8.count + 1 } == 65_536 + 1)
        #expect(body.last == "baton: response body truncated: logged the first 65536 bytes of 5000000")
    }

    @Test func secretsInHeadersResponsesAndURLsNeverReachTheLog() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let secret = "tok-9f8e7d6c"
        let log = logs.sub("secret.log")
        let outcome = await runner.run(
            HTTPRequestSpec(url: server.url("/echo/Authorization")),
            headers: ["Authorization": "Bearer \(secret)"], timeout: .seconds(30), logPath: log,
            redactor: Redactor(secrets: [secret]))
        #expect(outcome.succeeded)
        let contents = try String(contentsOfFile: log, encoding: .utf8)
        #expect(!contents.contains(secret))
        #expect(try logLines(log).map(text(of:)).contains("you sent: Bearer ***"))
    }

    /// A redirect to another port is another origin: headers holding a secret, and
    /// `Authorization` and `Cookie` whatever their value, do not follow; the rest do, and a
    /// 307 keeps the method and body. The second server records what it got.
    @Test func aRedirectToAnotherOriginDropsEverySecretHeader() async throws {
        let first = try LoopbackServer()
        let second = try LoopbackServer()
        defer {
            first.stop()
            second.stop()
        }
        let key = "key-4c1e9a77"
        let log = logs.sub("cross-origin.log")
        let outcome = await runner.run(
            HTTPRequestSpec(method: "POST", url: first.url("/redirect/307/\(second.port)/record"), body: "payload"),
            headers: ["X-Api-Key": key, "Authorization": "Bearer tok-77aa", "Cookie": "session=1", "X-Trace": "keep-me"],
            timeout: .seconds(30), logPath: log, redactor: Redactor(secrets: [key, "Bearer tok-77aa"]))
        #expect(outcome.status == 200)
        #expect(outcome.succeeded, "\(outcome.reason ?? "")")
        let seen = try second.seen()
        let headers = try #require(seen["headers"] as? [String: String])
        let names = Set(headers.keys.map { $0.lowercased() })
        #expect(!names.contains("x-api-key"), "the secret header was sent to another origin")
        #expect(!names.contains("authorization") && !names.contains("cookie"))
        #expect(headers["X-Trace"] == "keep-me")
        #expect(!headers.values.contains { $0.contains(key) || $0.contains("tok-77aa") })
        #expect(seen["method"] as? String == "POST")
        #expect(seen["body"] as? String == "payload")
        let texts = try logLines(log).map(text(of:))
        #expect(texts.contains("POST \(second.url("/record")) (another origin: not sending Authorization, Cookie, X-Api-Key)"), "\(texts)")
        #expect(!(try String(contentsOfFile: log, encoding: .utf8)).contains(key))
    }

    /// Within one origin every header follows (here a relative `Location`); a 303 turns a
    /// POST into a GET without a body.
    @Test func aRedirectWithinTheOriginKeepsTheHeaders() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let key = "key-0b5d2e11"
        let outcome = await runner.run(
            HTTPRequestSpec(method: "POST", url: server.url("/redirect/303/here/record"), body: "payload"),
            headers: ["X-Api-Key": key, "Content-Type": "text/plain"], timeout: .seconds(30), logPath: logs.sub("same-origin.log"),
            redactor: Redactor(secrets: [key]))
        #expect(outcome.succeeded, "\(outcome.reason ?? "")")
        let seen = try server.seen()
        #expect((seen["headers"] as? [String: String])?["X-Api-Key"] == key)
        #expect((seen["headers"] as? [String: String])?["Content-Type"] == nil)
        #expect(seen["method"] as? String == "GET")
        #expect(seen["body"] as? String == "")
    }

    @Test func aRedirectStatusTheTaskExpectsIsNotFollowedAndALoopFails() async throws {
        let first = try LoopbackServer()
        let second = try LoopbackServer()
        defer {
            first.stop()
            second.stop()
        }
        let expected = await runner.run(
            HTTPRequestSpec(url: first.url("/redirect/302/\(second.port)/record"), expectStatus: [302]),
            headers: [:], timeout: .seconds(30), logPath: logs.sub("expected.log"), redactor: .none)
        #expect(expected.status == 302)
        #expect(expected.succeeded)
        #expect(throws: (any Error).self) { try second.seen() }

        let loop = await runner.run(
            HTTPRequestSpec(url: first.url("/loop")), headers: [:], timeout: .seconds(30), logPath: logs.sub("loop.log"), redactor: .none)
        #expect(!loop.succeeded)
        #expect(loop.reason?.contains("redirect loop") == true, "\(loop.reason ?? "")")
    }

    /// The body is redacted as a stream, not line by line: a secret of several lines echoed
    /// back is hidden whole, and so is each of its lines.
    @Test func aMultiLineSecretInTheResponseBodyIsHidden() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let secret = "line-one-secret-value\nline-two-secret-value"
        let log = logs.sub("mirror.log")
        let outcome = await runner.run(
            HTTPRequestSpec(method: "POST", url: server.url("/mirror"), body: "before\n\(secret)\nafter\nline-two-secret-value\n"),
            headers: [:], timeout: .seconds(30), logPath: log, redactor: Redactor(secrets: [secret]))
        #expect(outcome.succeeded)
        let contents = try String(contentsOfFile: log, encoding: .utf8)
        #expect(!contents.contains("secret-value"))
        #expect(Array(try logLines(log).map(text(of:)).dropFirst(2)) == ["before", "***", "after", "***"])
    }

    @Test func theURLPasswordIsMaskedInTheRequestLine() {
        #expect(HTTPTaskRunner.redactingPassword(in: "https://ana:pa:ss@host.example:8443/p?q=a@b")
            == "https://ana:***@host.example:8443/p?q=a@b")
        #expect(HTTPTaskRunner.redactingPassword(in: "https://ana@host.example/") == "https://ana@host.example/")
        #expect(HTTPTaskRunner.redactingPassword(in: "https://host.example/a:b@c") == "https://host.example/a:b@c")
    }

    @Test func timestampsAreRFC3339UTCWithMilliseconds() {
        #expect(HTTPTaskLog.timestamp(Date(timeIntervalSince1970: 1_795_458_600.123)) == "2026-11-23T18:30:00.123Z")
        #expect(HTTPTaskLog.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }

    @Test func anUnwritableLogIsAFailedOutcomeNotACrash() async throws {
        let blocker = logs.sub("file")
        try Data().write(to: URL(fileURLWithPath: blocker))
        let outcome = await runner.run(
            HTTPRequestSpec(url: "http://127.0.0.1:9/"), headers: [:], timeout: .seconds(1),
            logPath: blocker + "/under-a-file.log", redactor: .none)
        #expect(!outcome.succeeded)
        #expect(outcome.reason?.contains("log") == true)
    }
}
