import Crypto
import Foundation

/// An OpenSSH `known_hosts` file: the only source of trust for SSH host keys.
///
/// There is no trust on first use: a host absent from the file is refused, because the
/// first connection is exactly where a machine in the middle would introduce its own key,
/// and Baton runs unattended with no one to read a prompt. Supports plain and hashed
/// (`|1|salt|hash`) host names, `[host]:port`, comma-separated patterns with `*`, `?` and
/// `!` negation, and `@revoked` lines. `@cert-authority` lines are ignored: libgit2 1.5
/// hands over a plain key, never a certificate.
struct SSHKnownHosts {
    /// One key line.
    struct Entry {
        enum Hosts {
            /// `host1,[host2]:2222,*.example.com,!bad.example.com`, lowercased.
            case patterns([String])
            /// `|1|salt|hash`: HMAC-SHA1 of the name as written, keyed by the salt.
            case hashed(salt: Data, hash: Data)
        }

        var hosts: Hosts
        var revoked: Bool
        var key: SSHHostKey

        func matches(_ name: String) -> Bool {
            switch hosts {
            case .patterns(let patterns):
                var matched = false
                for pattern in patterns {
                    if pattern.hasPrefix("!") {
                        if SSHKnownHosts.glob(String(pattern.dropFirst()), name) { return false }
                    } else if SSHKnownHosts.glob(pattern, name) {
                        matched = true
                    }
                }
                return matched
            case .hashed(let salt, let hash):
                let code = HMAC<Insecure.SHA1>.authenticationCode(for: Data(name.utf8), using: SymmetricKey(data: salt))
                return Data(code) == hash
            }
        }
    }

    /// What the file says about a host and the key it presented.
    enum Verdict: Equatable {
        /// An entry for this host has exactly this key.
        case trusted
        /// No entry for this host has a key of this type; `otherTypes` lists the types it
        /// does have, if any.
        case unknown(otherTypes: [String])
        /// An entry for this host has a different key of the same type.
        case changed
        /// The key is listed under `@revoked`.
        case revoked
    }

    let path: String
    let entries: [Entry]

    /// Reads `path`. A missing or unreadable file is an error, never an empty list that
    /// would refuse everything with a misleading "unknown host".
    init(path: String) throws(GitError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw GitError(code: .certificate,
                           message: "the SSH known_hosts file \(path) \(reason); Baton only connects to hosts listed there (create it, e.g. with ssh-keyscan, after checking the fingerprints)",
                           step: .fetch)
        }
        self.init(path: path, contents: String(decoding: data, as: UTF8.self))
    }

    /// Parses known_hosts text; lines it cannot read (comments, blanks, unknown markers, bad
    /// base64) are skipped, as OpenSSH skips them.
    init(path: String, contents: String) {
        self.path = path
        entries = contents.split(whereSeparator: \.isNewline).compactMap { Self.parse(Substring($0)) }
    }

    func verdict(for name: String, key: SSHHostKey) -> Verdict {
        if entries.contains(where: { $0.revoked && $0.key == key }) { return .revoked }
        let forHost = entries.filter { !$0.revoked && $0.matches(name) }
        if forHost.contains(where: { $0.key == key }) { return .trusted }
        if forHost.contains(where: { $0.key.type == key.type }) { return .changed }
        var otherTypes: [String] = []
        for entry in forHost where !otherTypes.contains(entry.key.type) { otherTypes.append(entry.key.type) }
        return .unknown(otherTypes: otherTypes)
    }

    private static func parse(_ line: Substring) -> Entry? {
        var fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = fields.first, !first.hasPrefix("#") else { return nil }
        var revoked = false
        if first.hasPrefix("@") {
            guard first == "@revoked" else { return nil }  // @cert-authority: see the type's comment
            revoked = true
            fields.removeFirst()
        }
        guard fields.count >= 3, let blob = Data(base64Encoded: fields[2]), let key = SSHHostKey(blob: blob), key.type == fields[1] else {
            return nil
        }
        let hosts: Entry.Hosts
        if fields[0].hasPrefix("|1|") {
            let parts = fields[0].split(separator: "|", omittingEmptySubsequences: true)
            guard parts.count == 3, let salt = Data(base64Encoded: String(parts[1])), let hash = Data(base64Encoded: String(parts[2])) else { return nil }
            hosts = .hashed(salt: salt, hash: hash)
        } else {
            hosts = .patterns(fields[0].lowercased().split(separator: ",").map(String.init))
        }
        return Entry(hosts: hosts, revoked: revoked, key: key)
    }

    /// OpenSSH's host pattern match: `*` is any run of characters, `?` any one character.
    static func glob(_ pattern: String, _ name: String) -> Bool {
        let p = Array(pattern), n = Array(name)
        var pi = 0, ni = 0, star = -1, mark = 0
        while ni < n.count {
            if pi < p.count, p[pi] == "?" || p[pi] == n[ni] {
                pi += 1; ni += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi; mark = ni; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ni = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
