import Foundation
import Synchronization

/// What Baton answers when a remote asks who it is, and which SSH host keys it trusts.
///
/// Loaded from the environment or a file at sync time, never from the source URL's
/// configuration, so secrets stay out of Git (and out of every message: `GitError` never
/// includes them). HTTP(S) remotes get a token or a user and password; SSH remotes get a
/// private key, offered under the URL's user name. One value can hold both, so a deployment
/// with HTTP and SSH sources configures each once.
public struct GitCredentials: Sendable, Hashable {
    /// An SSH private key file, its optional public half and passphrase.
    struct SSHKey: Sendable, Hashable {
        enum Passphrase: Sendable, Hashable {
            case value(String)
            /// Read at fetch time, so a rotated passphrase needs no restart.
            case file(String)
        }

        var privateKey: String
        var publicKey: String?
        var passphrase: Passphrase?
    }

    enum Storage: Sendable, Hashable {
        case none
        case token(String)
        case userPassword(user: String, password: String)
    }

    /// What an HTTP(S) remote gets.
    let storage: Storage
    /// What an SSH remote gets.
    let ssh: SSHKey?

    /// The OpenSSH known_hosts file SSH host keys are checked against. Without one every SSH
    /// fetch is refused: Baton never trusts a key on first use.
    public let knownHosts: String?

    init(storage: Storage, ssh: SSHKey? = nil, knownHosts: String? = nil) {
        self.storage = storage
        self.ssh = ssh
        self.knownHosts = knownHosts
    }

    /// Offer nothing: public repositories, or credentials written into the URL.
    public static let none = GitCredentials(storage: .none)

    /// A personal access token, sent as the password of HTTP basic authentication with the
    /// URL's user name, or `x-access-token` when the URL has none (what GitHub, GitLab and
    /// Gitea all accept).
    public static func token(_ token: String) -> GitCredentials { GitCredentials(storage: .token(token)) }

    public static func userPassword(user: String, password: String) -> GitCredentials {
        GitCredentials(storage: .userPassword(user: user, password: password))
    }

    /// An SSH key pair for `ssh://` and scp-like URLs, offered under the URL's user name.
    /// `publicKey` may be nil (libssh2 derives it from the private key); `passphrase` is
    /// needed only for an encrypted key. `knownHosts` is the file host keys must be listed in.
    public static func sshKey(privateKey: String, publicKey: String? = nil, passphrase: String? = nil, knownHosts: String?) -> GitCredentials {
        GitCredentials(storage: .none, ssh: SSHKey(privateKey: privateKey, publicKey: publicKey, passphrase: passphrase.map { .value($0) }),
                       knownHosts: knownHosts)
    }

    /// Like `sshKey(privateKey:publicKey:passphrase:knownHosts:)`, with the passphrase read
    /// from the first line of `passphraseFile` at each fetch.
    public static func sshKey(privateKey: String, publicKey: String? = nil, passphraseFile: String, knownHosts: String?) -> GitCredentials {
        GitCredentials(storage: .none, ssh: SSHKey(privateKey: privateKey, publicKey: publicKey, passphrase: .file(passphraseFile)),
                       knownHosts: knownHosts)
    }

    /// The same credentials, checking SSH host keys against `path`.
    public func trustingKnownHosts(_ path: String?) -> GitCredentials {
        GitCredentials(storage: storage, ssh: ssh, knownHosts: path)
    }

    /// From environment variables. For HTTP(S): `token` if set and non-empty, else
    /// `username` and `password` if both are set. For SSH, independently: the private key
    /// file `sshKey`, and the known_hosts file `sshKnownHosts`.
    ///
    /// For the key: `sshPublicKey` names the public half (optional), `sshPassphrase` holds
    /// the passphrase itself or `sshPassphraseFile` a file holding it (the file wins when
    /// both are set, so the secret need not sit in the environment).
    public static func fromEnvironment(
        token: String = "BATON_GIT_TOKEN", username: String = "BATON_GIT_USERNAME", password: String = "BATON_GIT_PASSWORD",
        sshKey: String = "BATON_GIT_SSH_KEY", sshPublicKey: String = "BATON_GIT_SSH_PUBLIC_KEY",
        sshPassphrase: String = "BATON_GIT_SSH_PASSPHRASE", sshPassphraseFile: String = "BATON_GIT_SSH_PASSPHRASE_FILE",
        sshKnownHosts: String = "BATON_GIT_SSH_KNOWN_HOSTS",
        environment: [String: String] = GitCredentials.launchEnvironment
    ) -> GitCredentials {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var storage = Storage.none
        if let value = value(token) {
            storage = .token(value)
        } else if let user = environment[username], let secret = environment[password], !user.isEmpty {
            storage = .userPassword(user: user, password: secret)
        }
        let key = value(sshKey).map { privateKey in
            let passphrase: SSHKey.Passphrase? = value(sshPassphraseFile).map { .file($0) } ?? environment[sshPassphrase].map { .value($0) }
            return SSHKey(privateKey: privateKey, publicKey: value(sshPublicKey), passphrase: passphrase)
        }
        return GitCredentials(storage: storage, ssh: key, knownHosts: value(sshKnownHosts))
    }

    private static let captured = Mutex<[String: String]?>(nil)

    /// Hands over the environment the CLI copied at start before removing every
    /// `BATON_GIT_*` variable from the process, so a task cannot read the token through
    /// `/proc/$PPID/environ`; `fromEnvironment` reads this copy from then on.
    public static func useCapturedEnvironment(_ environment: [String: String]) {
        captured.withLock { $0 = environment }
    }

    /// The captured copy, or the live process environment when none was handed over
    /// (embedders and tests).
    public static var launchEnvironment: [String: String] {
        captured.withLock { $0 } ?? ProcessInfo.processInfo.environment
    }

    /// From a file readable only by Baton: either one line holding a token, or
    /// `username=...` and `password=...` lines (the `git credential` format).
    public static func fromFile(_ path: String) throws(GitError) -> GitCredentials {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GitError(code: .authentication, message: "cannot read the credentials file \(path)", step: .fetch)
        }
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        var fields: [String: String] = [:]
        for line in lines {
            guard let equals = line.firstIndex(of: "=") else { continue }
            fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        if let user = fields["username"], let password = fields["password"] { return .userPassword(user: user, password: password) }
        if lines.count == 1, !lines[0].contains("=") { return .token(lines[0].trimmingCharacters(in: .whitespaces)) }
        throw GitError(code: .authentication, message: "\(path) holds neither a token nor username= and password= lines", step: .fetch)
    }

    /// The password or token, for scrubbing messages. An SSH passphrase is resolved, and
    /// scrubbed, by `CredentialPrompt`.
    var secret: String? {
        switch storage {
        case .none: nil
        case .token(let token): token
        case .userPassword(_, let password): password
        }
    }
}
