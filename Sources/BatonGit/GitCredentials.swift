import CGit2
import Foundation

/// What Baton answers when an HTTP(S) remote asks who it is.
///
/// Loaded from the environment or a file at sync time, never from the source URL's
/// configuration, so secrets stay out of Git (and out of every message: `GitError` never
/// includes them). SSH keys are not supported yet.
public struct GitCredentials: Sendable, Hashable {
    enum Storage: Sendable, Hashable {
        case none
        case token(String)
        case userPassword(user: String, password: String)
    }

    let storage: Storage

    /// Offer nothing: public repositories, or credentials written into the URL.
    public static let none = GitCredentials(storage: .none)

    /// A personal access token, sent as the password of HTTP basic authentication with the
    /// URL's user name, or `x-access-token` when the URL has none (what GitHub, GitLab and
    /// Gitea all accept).
    public static func token(_ token: String) -> GitCredentials { GitCredentials(storage: .token(token)) }

    public static func userPassword(user: String, password: String) -> GitCredentials {
        GitCredentials(storage: .userPassword(user: user, password: password))
    }

    /// From environment variables: `token` if set and non-empty, else `username` and
    /// `password` if both are set, else `.none`.
    public static func fromEnvironment(
        token: String = "BATON_GIT_TOKEN", username: String = "BATON_GIT_USERNAME", password: String = "BATON_GIT_PASSWORD",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> GitCredentials {
        if let value = environment[token], !value.isEmpty { return .token(value) }
        if let user = environment[username], let secret = environment[password], !user.isEmpty {
            return .userPassword(user: user, password: secret)
        }
        return .none
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

    /// The password or token, for scrubbing messages.
    var secret: String? {
        switch storage {
        case .none: nil
        case .token(let token): token
        case .userPassword(_, let password): password
        }
    }
}

/// The state behind libgit2's credentials callback during one fetch.
final class CredentialPrompt {
    let credentials: GitCredentials
    var attempts = 0

    init(_ credentials: GitCredentials) {
        self.credentials = credentials
    }

    /// Answers libgit2's request. Offers the credentials once: libgit2 asks again after a
    /// 401, and a second offer of the same secret would loop until the server locks us out.
    static let callback: git_credential_acquire_cb = { out, _, usernameFromURL, allowedTypes, payload in
        guard let payload, let out else { return GIT_PASSTHROUGH.rawValue }
        let prompt = Unmanaged<CredentialPrompt>.fromOpaque(payload).takeUnretainedValue()
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
            let user = usernameFromURL.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "x-access-token"
            return git_credential_userpass_plaintext_new(out, user, token)
        case .userPassword(let user, let password):
            return git_credential_userpass_plaintext_new(out, user, password)
        }
    }
}
