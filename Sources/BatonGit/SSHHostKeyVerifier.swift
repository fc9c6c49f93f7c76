import CGit2
import Foundation

/// Answers libgit2's certificate callback for one SSH fetch: accepts the server's host key
/// only when the known_hosts file lists exactly that key for the endpoint.
///
/// libgit2 1.5 performs no host key check of its own and accepts any key when no callback
/// is set, so `GitMirror` installs this for every SSH URL; without a known_hosts file every
/// SSH fetch is refused rather than trusted.
final class SSHHostKeyVerifier {
    let endpoint: SSHEndpoint
    let knownHostsPath: String?
    /// Why the key was refused, kept so the fetch reports exactly this rather than whatever
    /// libgit2 made of the refusal.
    private(set) var rejection: GitError?

    init(endpoint: SSHEndpoint, knownHostsPath: String?) {
        self.endpoint = endpoint
        self.knownHostsPath = knownHostsPath
    }

    /// 0 to go on with the connection, `GIT_ECERTIFICATE` (with libgit2's error slot set)
    /// to refuse it.
    func check(_ certificate: UnsafeMutablePointer<git_cert>) -> Int32 {
        do throws(GitError) {
            try verify(certificate)
            return 0
        } catch {
            rejection = error
            git_error_set_str(Int32(bitPattern: GIT_ERROR_SSH.rawValue), error.message)
            return GIT_ECERTIFICATE.rawValue
        }
    }

    private func verify(_ certificate: UnsafeMutablePointer<git_cert>) throws(GitError) {
        let name = endpoint.knownHostsName
        guard certificate.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else {
            throw refusal("the SSH server \(name) presented no host key")
        }
        let key = certificate.withMemoryRebound(to: git_cert_hostkey.self, capacity: 1) { hostkey -> SSHHostKey? in
            guard hostkey.pointee.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostkey.pointee.hostkey else { return nil }
            return SSHHostKey(blob: Data(bytes: raw, count: hostkey.pointee.hostkey_len))
        }
        guard let key else { throw refusal("libgit2 did not hand over the raw host key of \(name), so it cannot be checked") }
        guard let knownHostsPath else {
            throw refusal("no SSH known_hosts file is configured (set BATON_GIT_SSH_KNOWN_HOSTS); \(name) offered the \(key.type) host key \(key.fingerprint)")
        }
        let knownHosts = try SSHKnownHosts(path: knownHostsPath)
        switch knownHosts.verdict(for: name, key: key) {
        case .trusted:
            return
        case .unknown(let otherTypes):
            let others = otherTypes.isEmpty ? "" : " (it lists only \(otherTypes.joined(separator: ", ")) keys for that host)"
            throw refusal("unknown SSH host \(name): \(knownHostsPath) has no \(key.type) key for it\(others); the server offered \(key.fingerprint). "
                + "If that fingerprint is the server's, add its key to \(knownHostsPath) (e.g. the output of `ssh-keyscan\(endpoint.port == 22 ? "" : " -p \(endpoint.port)") \(endpoint.host)`)")
        case .changed:
            throw refusal("the SSH host key of \(name) has CHANGED: \(knownHostsPath) lists a different \(key.type) key, and the server offered \(key.fingerprint). "
                + "Someone may be intercepting the connection, or the server was reinstalled; replace the entry in \(knownHostsPath) only after checking the new fingerprint")
        case .revoked:
            throw refusal("the SSH host key \(key.fingerprint) offered by \(name) is marked @revoked in \(knownHostsPath)")
        }
    }

    private func refusal(_ message: String) -> GitError {
        GitError(code: .certificate, message: message, step: .fetch, libgit2Class: Int32(bitPattern: GIT_ERROR_SSH.rawValue))
    }
}
