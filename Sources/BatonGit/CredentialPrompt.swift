import CGit2
import Foundation

/// The state behind libgit2's credentials and certificate callbacks during one fetch.
final class CredentialPrompt {
    let credentials: GitCredentials
    /// Set for SSH URLs: checks the server's host key before any credential is sent.
    let hostKeys: SSHHostKeyVerifier?
    /// The SSH key's passphrase, read before the fetch so a missing file fails early and
    /// with a clear message rather than as a libssh2 "unable to extract public key".
    private let passphrase: String?
    var attempts = 0

    init(_ credentials: GitCredentials, ssh endpoint: SSHEndpoint? = nil) throws(GitError) {
        self.credentials = credentials
        hostKeys = endpoint.map { SSHHostKeyVerifier(endpoint: $0, knownHostsPath: credentials.knownHosts) }
        guard endpoint != nil, let key = credentials.ssh else {
            passphrase = nil
            return
        }
        guard FileManager.default.isReadableFile(atPath: key.privateKey) else {
            throw GitError(code: .authentication, message: "cannot read the SSH private key file \(key.privateKey)", step: .fetch)
        }
        switch key.passphrase {
        case nil:
            passphrase = nil
        case .value(let value):
            passphrase = value
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw GitError(code: .authentication, message: "cannot read the SSH passphrase file \(path)", step: .fetch)
            }
            passphrase = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        }
    }

    /// Every secret this fetch may hold, longest first, for scrubbing messages.
    var secrets: [String] {
        [credentials.secret, passphrase].compactMap { $0 }.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    /// Answers libgit2's request. Offers the credentials once: libgit2 asks again after a
    /// 401 or a refused key, and a second offer of the same secret would loop until the
    /// server locks us out.
    static let callback: git_credential_acquire_cb = { out, _, usernameFromURL, allowedTypes, payload in
        guard let payload, let out else { return GIT_PASSTHROUGH.rawValue }
        let prompt = Unmanaged<CredentialPrompt>.fromOpaque(payload).takeUnretainedValue()
        let user = usernameFromURL.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        if prompt.hostKeys != nil {
            return prompt.answerSSH(out, user: user, allowedTypes: allowedTypes)
        }
        guard allowedTypes & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 else { return GIT_PASSTHROUGH.rawValue }
        prompt.attempts += 1
        if prompt.attempts > 1 {
            git_error_set_str(Int32(bitPattern: GIT_ERROR_HTTP.rawValue), "authentication failed: the remote refused the configured credentials")
            return GIT_EAUTH.rawValue
        }
        switch prompt.credentials.storage {
        case .none:
            return GIT_PASSTHROUGH.rawValue
        case .token(let token):
            return git_credential_userpass_plaintext_new(out, user ?? "x-access-token", token)
        case .userPassword(let user, let password):
            return git_credential_userpass_plaintext_new(out, user, password)
        }
    }

    /// Offers the SSH key under the URL's user name. Names the key file on refusal, never
    /// its contents or passphrase.
    private func answerSSH(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, user: String?, allowedTypes: UInt32) -> Int32 {
        let sshClass = Int32(bitPattern: GIT_ERROR_SSH.rawValue)
        guard let key = credentials.ssh else {
            git_error_set_str(sshClass, "authentication failed: the SSH server asks for a key and none is configured (set BATON_GIT_SSH_KEY)")
            return GIT_EAUTH.rawValue
        }
        guard let user else {
            git_error_set_str(sshClass, "authentication failed: the SSH URL has no user name; write user@host")
            return GIT_EAUTH.rawValue
        }
        guard allowedTypes & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 else {
            git_error_set_str(sshClass, "authentication failed: the SSH server does not accept public keys for \(user)")
            return GIT_EAUTH.rawValue
        }
        attempts += 1
        if attempts > 1 {
            git_error_set_str(sshClass, "authentication failed: the SSH server refused the key \(key.privateKey) for user \(user)")
            return GIT_EAUTH.rawValue
        }
        return git_credential_ssh_key_new(out, user, key.publicKey, key.privateKey, passphrase)
    }

    /// Answers libgit2's certificate check: SSH host keys go to `hostKeys`; anything else
    /// (TLS) keeps libgit2's own verdict.
    static let certificateCheck: git_transport_certificate_check_cb = { certificate, _, _, payload in
        guard let payload, let certificate else { return GIT_PASSTHROUGH.rawValue }
        let prompt = Unmanaged<CredentialPrompt>.fromOpaque(payload).takeUnretainedValue()
        guard let hostKeys = prompt.hostKeys else { return GIT_PASSTHROUGH.rawValue }
        return hostKeys.check(certificate)
    }
}
