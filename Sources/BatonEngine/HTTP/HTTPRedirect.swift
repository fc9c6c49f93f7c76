import Foundation

/// How an HTTP task follows a redirect, and what it refuses to carry along.
///
/// Baton follows redirects itself rather than leaving them to async-http-client, which on a
/// redirect to another origin drops only `Authorization`, `Cookie` and `Proxy-Authorization`:
/// a secret in `X-Api-Key` (or any header a manifest fills from a secret) would be sent to
/// whatever host the first server names. Here, on a redirect to another origin (scheme, host
/// or port differ, default ports counted as written), every header whose value holds a
/// secret is dropped, as are `Authorization`, `Cookie` and `Proxy-Authorization` whatever
/// their source, and they stay dropped for the rest of the chain, even if it comes back to
/// the first origin (as curl does). The request still goes: a download URL a service hands
/// out usually carries its own signature and needs no key.
///
/// The rest follows the fetch standard and async-http-client's defaults: 301, 302, 303, 307
/// and 308 with a `Location` are followed, at most ``limit`` times and never to a URL already
/// visited; a 303 (and a 301 or 302 answering a POST) becomes a GET without a body; only
/// `http` and `https` targets are followed.
struct HTTPRedirect: Sendable {
    /// The most redirects one attempt follows.
    static let limit = 5

    /// Headers never sent to another origin, whatever their value (lower-cased).
    static let credentialHeaders: Set<String> = ["authorization", "cookie", "proxy-authorization"]

    /// The request to send next.
    var url: String
    var method: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]?
    /// The headers left out because the target is another origin, in request order.
    var dropped: [String]

    /// Whether `status` is a redirect to follow (when it has a `Location`).
    static func isRedirect(_ status: Int) -> Bool {
        [301, 302, 303, 307, 308].contains(status)
    }

    /// The absolute URL `location` names, relative to `current`; `nil` when it is not an
    /// `http` or `https` URL with a host.
    static func target(_ location: String, from current: String) -> String? {
        guard let base = URL(string: current), let url = URL(string: location, relativeTo: base)?.absoluteURL,
              let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty
        else { return nil }
        return url.absoluteString
    }

    /// Whether `a` and `b` have the same scheme, host and port, a missing port read as the
    /// scheme's default (`http://h/` and `http://h:80/` are one origin).
    static func sameOrigin(_ a: String, _ b: String) -> Bool {
        guard let a = URLComponents(string: a), let b = URLComponents(string: b) else { return false }
        func port(_ url: URLComponents) -> Int? {
            url.port ?? (url.scheme?.lowercased() == "https" ? 443 : url.scheme?.lowercased() == "http" ? 80 : nil)
        }
        return a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased() && port(a) == port(b)
    }

    /// The request that follows a `status` redirect from `from` to `to`.
    ///
    /// - Parameter redactor: the attempt's secrets; a header whose value holds one is a
    ///   secret header.
    static func follow(
        status: Int, from: String, to: String, method: String, headers: [(name: String, value: String)], body: [UInt8]?,
        redactor: Redactor
    ) -> HTTPRedirect {
        var method = method
        var headers = headers
        var body = body
        if (status == 303 && method != "HEAD") || ((status == 301 || status == 302) && method == "POST") {
            method = "GET"
            body = nil
            headers.removeAll { ["content-length", "content-type"].contains($0.name.lowercased()) }
        }
        var dropped: [String] = []
        if !sameOrigin(from, to) {
            headers.removeAll { header in
                let drop = credentialHeaders.contains(header.name.lowercased()) || redactor.reveals(header.value)
                if drop { dropped.append(header.name) }
                return drop
            }
        }
        return HTTPRedirect(url: to, method: method, headers: headers, body: body, dropped: dropped)
    }
}
