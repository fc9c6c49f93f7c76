import BatonTestSupport
import Foundation
import Testing

/// A graceful stop waits for the alerts still going out: the failure alert of a run that
/// ended just before SIGTERM reaches its webhook before the daemon exits.
@Suite struct ServeAlertDrainTests {
    @Test func aFailureAlertInFlightAtSIGTERMIsDeliveredBeforeTheDaemonExits() throws {
        let receiver = try SlowWebhookReceiver(answerAfter: 2)
        defer { receiver.stop() }
        let scenario = try ReconcilerScenario()
        try scenario.repo.write("manifests/flaky.json", servedPipeline(
            "flaky", every: "1h", run: "echo about to fail; exit 3",
            fields: #", "alerts": [{"on": ["failure"], "webhook": "\#(receiver.url)"}]"#))
        try scenario.repo.commit("Add flaky")
        let serve = try ServeProcess(scenario).start(["--grace", "10s"], interval: "1h")
        _ = try scenario.withState("trigger", "flaky")
        try serve.waitFor("the run to fail") { try serve.runs("flaky").first?.state == "failed" }
        let status = try serve.stop(timeout: 30)
        let exited = Date()
        #expect(status == 0, "\(serve.logText.suffix(2000))")
        // The receiver answered after 2 s and found the connection still open: the daemon
        // was still there, waiting for the answer.
        let delivered = receiver.requests(.delivered)
        #expect(delivered.count == 1, "delivered \(delivered.count), abandoned \(receiver.requests(.abandoned).count)\n\(serve.logText.suffix(2000))")
        if let body = delivered.first?.body, let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] {
            #expect(object["event"] as? String == "failure")
            #expect(object["pipeline"] as? String == "flaky")
        }
        if let answered = delivered.first?.answeredAt { #expect(answered <= exited) }
    }
}

/// An HTTP server on loopback that takes its time: it reads a POST, waits `answerAfter`
/// seconds, and then records it as delivered if the client is still connected (and answers
/// 200), or as abandoned if the client has gone. python3's http.server, a real peer.
final class SlowWebhookReceiver: @unchecked Sendable {
    enum Outcome: String { case delivered, abandoned }
    struct Request {
        var body: Data
        var answeredAt: Date
    }

    let process = Process()
    let directory: BatonTestSupport.TemporaryDirectory
    let port: UInt16

    init(answerAfter seconds: Double) throws {
        directory = try BatonTestSupport.TemporaryDirectory()
        port = try FreePort.find()
        let script = """
            import http.server, os, socket, sys, time, itertools
            out, delay = sys.argv[1], float(sys.argv[3])
            counter = itertools.count()
            class H(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
                    time.sleep(delay)
                    self.connection.setblocking(False)
                    try:
                        gone = self.connection.recv(1, socket.MSG_PEEK) == b''
                    except BlockingIOError:
                        gone = False
                    except OSError:
                        gone = True
                    self.connection.setblocking(True)
                    n = next(counter)
                    kind = 'abandoned' if gone else 'delivered'
                    with open(os.path.join(out, '%04d.tmp' % n), 'wb') as f: f.write(body)
                    os.rename(os.path.join(out, '%04d.tmp' % n), os.path.join(out, '%s-%f-%04d.json' % (kind, time.time(), n)))
                    if not gone:
                        self.send_response(200); self.end_headers()
                def log_message(self, *a): pass
            http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[2])), H).serve_forever()
            """
        try script.write(toFile: directory.sub("server.py"), atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory.sub("requests"), withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", directory.sub("server.py"), directory.sub("requests"), String(port), String(seconds)]
        try process.run()
        guard FreePort.waitUntilAccepting(port: port, timeout: 20, while: { process.isRunning }) else {
            throw DaemonTestFailure.timedOut("the webhook receiver to listen")
        }
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    /// The requests recorded with this outcome, oldest first.
    func requests(_ outcome: Outcome) -> [Request] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.sub("requests"))) ?? [])
            .filter { $0.hasPrefix(outcome.rawValue + "-") && $0.hasSuffix(".json") }.sorted()
        return names.compactMap { name in
            let parts = name.split(separator: "-")
            guard parts.count == 3, let time = Double(parts[1]), let body = FileManager.default.contents(atPath: directory.sub("requests/\(name)")) else { return nil }
            return Request(body: body, answeredAt: Date(timeIntervalSince1970: time))
        }
    }

    func stop() {
        // SIGKILL: a child of the test runner inherits its blocked signals, SIGTERM included.
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }
}
