/// The parts of an SSH remote Baton needs itself, before libgit2 sees the URL: the user to
/// log in as, and the host and port whose key must be in known_hosts.
///
/// libgit2 parses the URL again for the connection; this parse exists because its
/// certificate callback is told the host but not the port, and `[host]:port` is what
/// known_hosts lists for a non-standard port.
public struct SSHEndpoint: Sendable, Hashable {
    /// The login name from the URL (`git` in `git@host:repo`); nil when the URL has none.
    public var user: String?
    /// The host as written, without brackets; known_hosts lookups use it lowercased.
    public var host: String
    /// 22 unless an `ssh://` URL names another; scp-like URLs cannot.
    public var port: Int
    /// The repository path on the server, as written.
    public var path: String

    public init(user: String?, host: String, port: Int = 22, path: String) {
        self.user = user
        self.host = host
        self.port = port
        self.path = path
    }

    /// The name OpenSSH writes in known_hosts for this endpoint: `host` on port 22,
    /// `[host]:port` otherwise.
    public var knownHostsName: String {
        let name = host.lowercased()
        return port == 22 ? name : "[\(name)]:\(port)"
    }

    /// The URL schemes libgit2 1.5 sends over SSH.
    static let schemes = ["ssh://", "ssh+git://", "git+ssh://"]

    /// The endpoint of an SSH URL (`ssh://user@host[:port]/path`, or scp-like
    /// `user@host:path`); nil for any other kind of URL (local path, `file://`, `git://`,
    /// `http(s)://`). Throws `invalidSource` for an SSH URL Baton could not verify the host
    /// of: no host, a bad port, no path.
    ///
    /// Scp-like follows git's rule: a colon before any slash, so `./a:b` and `/srv/a:b`
    /// stay local paths.
    public static func parse(_ url: String) throws(GitError) -> SSHEndpoint? {
        if let scheme = schemes.first(where: { url.lowercased().hasPrefix($0) }) {
            return try parseURL(url, afterScheme: url.dropFirst(scheme.count))
        }
        if url.contains("://") { return nil }
        guard let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/") else { return nil }
        return try parseSCP(url, colon: colon)
    }

    private static func parseURL(_ url: String, afterScheme: Substring) throws(GitError) -> SSHEndpoint {
        guard let slash = afterScheme.firstIndex(of: "/") else { throw invalid(url, "has no repository path") }
        let authority = afterScheme[..<slash]
        let path = String(afterScheme[slash...])
        var user: String?
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            user = String(authority[..<at])
            hostPort = authority[authority.index(after: at)...]
        }
        var host: Substring
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw invalid(url, "has an unclosed [ in its host") }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let rest = hostPort[hostPort.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw invalid(url, "has text after its [host]") }
                portText = rest.dropFirst()
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<colon]
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            host = hostPort
        }
        var port = 22
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw invalid(url, "has port \"\(portText)\", not a number from 1 to 65535")
            }
            port = value
        }
        return try validated(url, user: user, host: String(host), port: port, path: path)
    }

    private static func parseSCP(_ url: String, colon: String.Index) throws(GitError) -> SSHEndpoint {
        let userHost = url[..<colon]
        var user: String?
        var host = userHost
        // libgit2 splits at the first `@`, so Baton must too, or the two would check
        // different hosts.
        if let at = userHost.firstIndex(of: "@") {
            user = String(userHost[..<at])
            host = userHost[userHost.index(after: at)...]
        }
        if userHost.contains("[") || userHost.contains("]") {
            throw invalid(url, "uses [host] in the scp-like form, which cannot carry a port; write ssh://user@host:port/path")
        }
        return try validated(url, user: user, host: String(host), port: 22, path: String(url[url.index(after: colon)...]))
    }

    private static func validated(_ url: String, user: String?, host: String, port: Int, path: String) throws(GitError) -> SSHEndpoint {
        if user?.isEmpty == true { throw invalid(url, "has an empty user name before @") }
        guard !host.isEmpty else { throw invalid(url, "has no host") }
        guard !host.contains(where: { $0 == "/" || $0 == "@" || $0.isWhitespace }) else { throw invalid(url, "has an invalid host \"\(host)\"") }
        guard !path.isEmpty, path != "/" else { throw invalid(url, "has no repository path") }
        return SSHEndpoint(user: user, host: host, port: port, path: path)
    }

    private static func invalid(_ url: String, _ problem: String) -> GitError {
        GitError(code: .invalidSource, message: "the SSH URL \(URLRedaction.redact(url)) \(problem)", url: url, step: .fetch)
    }
}
