import AsyncHTTPClient
import Foundation

/// A browser, as far as the dashboard's tests need one: it keeps the cookies the server sets
/// (honouring `Max-Age=0`), never follows a redirect by itself (tests check each 303), and
/// reads the CSRF token out of the page's forms.
final class DashboardClient: @unchecked Sendable {
    /// One client for every test, with redirects off: AsyncHTTPClient follows them by default.
    static let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))

    let base: String
    /// Only touched by the test that owns the client, one request at a time.
    private(set) var cookies: [String: String] = [:]
    /// The raw `Set-Cookie` lines of the last response.
    private(set) var lastSetCookies: [String] = []

    init(base: String) {
        self.base = base
    }

    typealias Reply = ServerHarness.Reply

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Reply {
        try await send("GET", path, headers: headers, body: nil)
    }

    /// A form post, URL-encoded as a browser does it.
    func post(_ path: String, form: [(String, String)], headers: [(String, String)] = []) async throws -> Reply {
        let body = form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send("POST", path, headers: [("Content-Type", "application/x-www-form-urlencoded")] + headers, body: Array(body.utf8))
    }

    func send(_ method: String, _ path: String, headers: [(String, String)], body: [UInt8]?) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = .init(rawValue: method)
        if !cookies.isEmpty {
            request.headers.add(name: "Cookie", value: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(body) }
        let response = try await Self.http.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        lastSetCookies = response.headers["Set-Cookie"]
        for line in lastSetCookies { remember(line) }
        return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                     body: String(decoding: bytes.readableBytesView, as: UTF8.self))
    }

    private func remember(_ line: String) {
        let parts = line.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let pair = parts.first, let equals = pair.firstIndex(of: "=") else { return }
        let name = String(pair[..<equals]), value = String(pair[pair.index(after: equals)...])
        if parts.contains(where: { $0.lowercased() == "max-age=0" }) || value.isEmpty {
            cookies[name] = nil
        } else {
            cookies[name] = value
        }
    }

    func setCookie(_ name: String, _ value: String?) {
        cookies[name] = value
    }

    /// Signs in through the form, as a person would: GET the form (its CSRF cookie and field),
    /// POST the token.
    @discardableResult
    func signIn(_ token: String, next: String? = nil) async throws -> Reply {
        let form = try await get("/ui/sign-in" + (next.map { "?next=\(Self.encode($0))" } ?? ""))
        var fields = [("csrf", form.csrf ?? ""), ("token", token)]
        if let next = Self.field("next", in: form.body) { fields.append(("next", next)) }
        return try await post("/ui/sign-in", form: fields)
    }

    /// A hidden input's value, unescaped.
    static func field(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return unescape(String(rest[..<end]))
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? text
    }
}

/// Waits for a condition the daemon reaches in its own time (a run ending), checking every
/// 50 ms: the store offers no event to wait on from outside the daemon.
func eventually(timeout: Duration = .seconds(20), _ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw DashboardWaitTimedOut(what: what)
}

struct DashboardWaitTimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

extension ServerHarness.Reply {
    /// The value of the first hidden `csrf` field of a dashboard page.
    var csrf: String? { DashboardClient.field("csrf", in: body) }
}
