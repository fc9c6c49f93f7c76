import AsyncHTTPClient
import BatonManifest
import Foundation

/// Runs one attempt of an HTTP task (`"http": {…}` in a manifest) with async-http-client.
///
/// The attempt leaves a log like a process task's: the request line, the status line, then
/// the first 64 KiB of the response body line by line. The body is streamed and dropped past
/// that limit, so a task that downloads gigabytes costs Baton 64 KiB of memory. Nothing here
/// throws: a refused connection, a timeout or an unexpected status is an outcome the executor
/// records (and may retry), not a failure of Baton.
public struct HTTPTaskRunner: Sendable {
    /// How much of a response body reaches the log; the rest is discarded unread.
    public static let bodyLogLimit = 65_536

    private let client: HTTPClient

    /// - Parameter client: the client to send requests with; ``defaultClient`` unless a test
    ///   or an embedder needs another (proxy, TLS settings). It must not follow redirects
    ///   itself (`redirectConfiguration = .disallow`): the runner follows them, so that it can
    ///   keep secret headers from another origin (see ``HTTPRedirect``).
    public init(client: HTTPClient = HTTPTaskRunner.defaultClient) {
        self.client = client
    }

    /// The process-wide client HTTP tasks share, so connections are pooled across tasks and
    /// runs. Never shut down: it lives as long as Baton.
    ///
    /// Not async-http-client's `HTTPClient.shared`, whose browser-like settings do not suit
    /// pipeline tasks: its 90 s read timeout would fail a slow endpoint long before a task's
    /// own `timeout` (a warehouse load may answer after many minutes), and it retries refused
    /// connections until that limit instead of failing at once. Here the task's timeout is
    /// the only limit on a response, a connection attempt gives up after 10 s, and a refused
    /// connection fails the attempt immediately so the task's `retries` decide what happens
    /// next. Redirects are not followed by the client but by the runner (see ``HTTPRedirect``);
    /// alert webhooks, which share this client, are not redirected either, so an alert's text
    /// never goes anywhere but to the URL an operator wrote.
    public static let defaultClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Sends `request` and waits for the whole response (up to `timeout`).
    ///
    /// - Parameters:
    ///   - request: the manifest's request; `headers` below replaces its header list.
    ///   - headers: the header values to send, with secrets already resolved (the caller
    ///     owns secret resolution so a missing secret fails the task before anything is sent).
    ///   - timeout: the attempt's limit, covering connecting, sending and reading the body;
    ///     `nil` waits as long as the server takes.
    ///   - logPath: the attempt's log file, created or truncated.
    ///   - redactor: applied to every log line and to the reason, so secret header values or
    ///     secrets echoed by the server never reach the disk.
    /// - Returns: succeeded when the status is in `expectStatus` (any 2xx when that is `nil`)
    ///   and the body was read to its end or to the log limit.
    public func run(
        _ request: HTTPRequestSpec, headers: [String: String], timeout: Duration?, logPath: String, redactor: Redactor
    ) async -> HTTPTaskOutcome {
        let startedAt = Date()
        let log: HTTPTaskLog
        do {
            log = try HTTPTaskLog(path: logPath, redactor: redactor)
        } catch {
            return HTTPTaskOutcome(status: nil, succeeded: false, timedOut: false, reason: redactor.redact(error.message),
                                   startedAt: startedAt, endedAt: Date(), logBytes: 0)
        }
        let method = request.method.uppercased()
        log.line("\(method) \(Self.redactingPassword(in: request.url))", at: startedAt)

        let exchange = Exchange(client: client, log: log, redactor: redactor, expected: request.expectStatus)
        var outcome = await Self.race(timeout: timeout) {
            await exchange.perform(method: method, url: request.url, headers: headers, body: request.body)
        }
        let endedAt = Date()

        var result = HTTPTaskOutcome(status: outcome.status, succeeded: false, timedOut: false, reason: nil,
                                     startedAt: startedAt, endedAt: endedAt, logBytes: 0)
        if outcome.timedOut, let timeout {
            result.timedOut = true
            outcome.failure = "timed out after \(Self.describe(timeout))"
        } else if outcome.failure == nil, let status = outcome.status, !Self.isExpected(status, request.expectStatus) {
            let expected = request.expectStatus.map { $0.map(String.init).joined(separator: ", ") } ?? "2xx"
            outcome.failure = "unexpected status \(status), expected \(expected)"
        }
        if let failure = outcome.failure {
            log.line("baton: \(failure)", at: endedAt)
        }
        if let diskFailure = log.failure {
            outcome.failure = outcome.failure ?? "cannot write the log \(logPath): \(diskFailure)"
        }
        result.succeeded = outcome.failure == nil
        result.reason = outcome.failure.map(redactor.redact)
        result.logBytes = log.byteCount
        return result
    }

    /// Whether `status` is what the task expects: one of `expected`, or any 2xx without a list.
    static func isExpected(_ status: Int, _ expected: [Int]?) -> Bool {
        expected?.contains(status) ?? (200...299).contains(status)
    }

    /// The URL with the password of its user-info (`https://user:pass@host/`) replaced by
    /// `***`, because the request line is logged and a URL password is not a named secret the
    /// redactor would know about.
    static func redactingPassword(in url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = url[authorityStart...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? url.endIndex
        let authority = url[authorityStart..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"),
              let colon = authority[..<at].firstIndex(of: ":")
        else { return url }
        return String(url[..<authority.index(after: colon)]) + Redactor.mask + String(url[at...])
    }

    private static func describe(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let millis = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return millis % 1000 == 0 ? "\(millis / 1000)s" : "\(millis)ms"
    }

    /// Runs `work` against a timer; when the timer wins, `work` is cancelled (async-http-client
    /// aborts the request and closes its connection) and awaited, so no request outlives the
    /// attempt, and the status it had received so far is kept.
    private static func race(timeout: Duration?, _ work: @escaping @Sendable () async -> ExchangeResult) async -> ExchangeResult {
        guard let timeout else { return await work() }
        enum Event: Sendable {
            case finished(ExchangeResult)
            case timerFired
            case timerStopped
        }
        return await withTaskGroup(of: Event.self) { group in
            group.addTask { .finished(await work()) }
            group.addTask {
                do {
                    try await Task.sleep(for: timeout)
                    return .timerFired
                } catch {
                    return .timerStopped
                }
            }
            var timedOut = false
            var finishedInTime = false
            var result = ExchangeResult()
            for await event in group {
                switch event {
                case .finished(let finished):
                    result = finished
                    finishedInTime = !timedOut
                    group.cancelAll()
                case .timerFired:
                    timedOut = !finishedInTime
                    group.cancelAll()
                case .timerStopped:
                    break
                }
            }
            // Decided by which came first, not by what the cancelled request reported.
            if timedOut {
                result.timedOut = true
                result.failure = nil
            }
            return result
        }
    }
}

/// What the request part of an attempt found out.
private struct ExchangeResult: Sendable {
    var status: Int?
    var failure: String?
    var timedOut = false
}

/// Sends the request, follows its redirects and streams the response into the log.
private struct Exchange: Sendable {
    let client: HTTPClient
    let log: HTTPTaskLog
    let redactor: Redactor
    /// The task's `expectStatus`: a redirect status listed there is the answer, not followed.
    let expected: [Int]?

    func perform(method: String, url: String, headers: [String: String], body: String?) async -> ExchangeResult {
        var result = ExchangeResult()
        var next = HTTPRedirect(
            url: url, method: method, headers: headers.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) },
            body: body.map { Array($0.utf8) }, dropped: [])
        var visited: Set<String> = [url]
        do {
            for redirects in 0... {
                var request = HTTPClientRequest(url: next.url)
                request.method = .init(rawValue: next.method)
                for header in next.headers {
                    request.headers.add(name: header.name, value: header.value)
                }
                if let body = next.body {
                    request.body = .bytes(body)
                }
                let response = try await client.execute(request, deadline: .distantFuture)
                let status = Int(response.status.code)
                result.status = status
                log.line("HTTP/\(response.version.major).\(response.version.minor) \(status) \(response.status.reasonPhrase)")
                guard HTTPRedirect.isRedirect(status), expected?.contains(status) != true,
                      let location = response.headers.first(name: "location")
                else {
                    try await logBody(response.body, declaredLength: response.headers.first(name: "content-length"))
                    return result
                }
                try await discard(response.body)
                guard redirects < HTTPRedirect.limit else {
                    result.failure = "more than \(HTTPRedirect.limit) redirects"
                    return result
                }
                guard let target = HTTPRedirect.target(location, from: next.url) else {
                    result.failure = "redirect to \"\(HTTPTaskRunner.redactingPassword(in: location))\", not an http or https URL"
                    return result
                }
                guard visited.insert(target).inserted else {
                    result.failure = "redirect loop: \(HTTPTaskRunner.redactingPassword(in: target)) again"
                    return result
                }
                next = HTTPRedirect.follow(
                    status: status, from: next.url, to: target, method: next.method, headers: next.headers, body: next.body,
                    redactor: redactor)
                var line = "\(next.method) \(HTTPTaskRunner.redactingPassword(in: target))"
                if !next.dropped.isEmpty {
                    line += " (another origin: not sending \(next.dropped.joined(separator: ", ")))"
                }
                log.line(line)
            }
        } catch {
            result.failure = Task.isCancelled ? "cancelled" : "request failed: \(Self.describe(error))"
        }
        return result
    }

    /// Reads a redirect's body to nothing, up to the log limit; past it, the connection is
    /// dropped rather than read further.
    private func discard(_ body: HTTPClientResponse.Body) async throws {
        var read = 0
        for try await buffer in body {
            read += buffer.readableBytes
            if read > HTTPTaskRunner.bodyLogLimit { break }
        }
    }

    /// Logs the body line by line up to the limit, holding at most one limit's worth of it;
    /// once past the limit, reading stops and the connection is dropped.
    ///
    /// Secrets are masked on the byte stream before it is cut into lines, so one cut by a
    /// chunk boundary or by its own newlines is still hidden.
    private func logBody(_ body: HTTPClientResponse.Body, declaredLength: String?) async throws {
        let limit = HTTPTaskRunner.bodyLogLimit
        var stream = RedactingStream(redactor)
        var redacted: [UInt8] = []
        var pending: [UInt8] = []
        var logged = 0
        var truncated = false
        for try await buffer in body {
            let take = min(buffer.readableBytes, limit - logged)
            buffer.withUnsafeReadableBytes { raw in
                stream.feed(UnsafeBufferPointer(rebasing: raw.assumingMemoryBound(to: UInt8.self)[..<take]), into: &redacted)
            }
            logged += take
            lines(&redacted, &pending)
            if take < buffer.readableBytes {
                truncated = true
                break
            }
        }
        stream.finish(into: &redacted)
        lines(&redacted, &pending)
        if !pending.isEmpty { log.line(Self.text(pending)) }
        if truncated {
            let total = declaredLength.map { " of \($0)" } ?? ""
            log.line("baton: response body truncated: logged the first \(limit) bytes\(total)")
        }
    }

    /// Logs every complete line of `pending` and `redacted`; keeps the unfinished rest in
    /// `pending`.
    private func lines(_ redacted: inout [UInt8], _ pending: inout [UInt8]) {
        for byte in redacted {
            if byte == UInt8(ascii: "\n") {
                log.line(Self.text(pending))
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
            }
        }
        redacted.removeAll(keepingCapacity: true)
    }

    private static func text(_ bytes: [UInt8]) -> String {
        var line = String(decoding: bytes, as: UTF8.self)
        if line.hasSuffix("\r") { line.removeLast() }
        return line
    }

    /// A readable reason: async-http-client and NIO errors describe themselves better through
    /// `String(describing:)` than `localizedDescription`.
    private static func describe(_ error: any Error) -> String {
        String(describing: error)
    }
}
