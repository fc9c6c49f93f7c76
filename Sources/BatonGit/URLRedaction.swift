import Foundation

/// Keeps credentials out of messages, logs, errors and the store.
///
/// A source URL may carry `user:password@`, a bare token as its whole userinfo
/// (`https://TOKEN@github.com/...`, how GitHub and GitLab hand out HTTPS access), or a token
/// in its query (`?access_token=...`, `?private_token=...`, a presigned URL's `signature`),
/// and libgit2 happily repeats the URL it was given in its error text, so every string that
/// leaves BatonGit goes through here, and so does every URL Baton stores or shows. The user
/// name of `user:password@` is kept: it is what a person needs to recognise which credential
/// was used.
public enum URLRedaction {
    /// The URL with every credential in it replaced by `***`:
    ///
    /// - `https://user:secret@host/path` → `https://user:***@host/path`;
    /// - `https://TOKEN@host/path` → `https://***@host/path`: over HTTP(S) a lone userinfo
    ///   is nearly always a token, and cannot be told from a user name;
    /// - `https://host/repo?access_token=abc&ref=x` → `https://host/repo?access_token=***&ref=x`,
    ///   for every query (and fragment) parameter whose name looks secret (`isSecretName`).
    ///
    /// SSH URLs keep their user (`ssh://git@host/repo`, scp-like `git@host:repo`: a login
    /// name, not a secret); local paths come back unchanged. Idempotent.
    public static func redact(_ url: String) -> String {
        var url = url
        if let (prefix, userinfo, rest) = split(url) {
            if let colon = userinfo.firstIndex(of: ":") {
                url = prefix + userinfo[..<colon] + ":***@" + rest
            } else if hidesLoneUserinfo(prefix), !userinfo.isEmpty {
                url = prefix + "***@" + rest
            }
        }
        return maskingSecretParameters(url)
    }

    /// The password in `url`, if it has one: what `scrub` must remove from free text.
    public static func password(in url: String) -> String? {
        guard let (_, userinfo, _) = split(url), let colon = userinfo.firstIndex(of: ":") else { return nil }
        let password = String(userinfo[userinfo.index(after: colon)...])
        return password.isEmpty ? nil : password
    }

    /// Every credential in `url` as written: the password, a lone HTTP(S) userinfo (a
    /// token), and the values of secret-looking query parameters.
    public static func secrets(in url: String) -> [String] {
        var found: [String] = []
        if let password = password(in: url) { found.append(password) }
        if let (prefix, userinfo, _) = split(url), !userinfo.contains(":"), !userinfo.isEmpty, hidesLoneUserinfo(prefix) {
            found.append(String(userinfo))
        }
        for (_, value) in secretParameters(in: url) where !value.isEmpty { found.append(String(value)) }
        return found
    }

    /// True for a query parameter whose name says it holds a credential: `token`,
    /// `access_token`, `private_token`, `api_key`, `apikey`, `password`, `secret`,
    /// `client_secret`, `auth`, `signature`, `sig`, `X-Amz-Credential`, `session`...
    /// Matched loosely (any name containing one of these words, any case): a masked
    /// harmless value costs nothing, a shown token costs a rotation.
    public static func isSecretName(_ name: some StringProtocol) -> Bool {
        let lower = name.lowercased()
        return ["token", "key", "secret", "pass", "pwd", "auth", "sig", "credential", "session"].contains { lower.contains($0) }
    }

    /// Removes every trace of `url`'s password from `text` (as written and percent-decoded),
    /// for libgit2 messages that may quote the URL in any form.
    public static func scrub(_ text: String, url: String) -> String {
        var text = text.replacingAll(url, with: redact(url))
        // Longest first, so a secret holding another is hidden whole.
        for secret in secrets(in: url).sorted(by: { $0.count > $1.count }) {
            text = text.replacingAll(secret, with: "***")
            if let decoded = secret.removingPercentEncodingIfAny(), decoded != secret {
                text = text.replacingAll(decoded, with: "***")
            }
        }
        return text
    }

    /// Whether a userinfo with no `:` is hidden for this scheme: everywhere but SSH, where
    /// it is the login name.
    private static func hidesLoneUserinfo(_ prefix: String) -> Bool {
        let scheme = prefix.dropLast(3).lowercased()
        return !(scheme == "ssh" || scheme.hasPrefix("ssh+") || scheme.hasSuffix("+ssh"))
    }

    /// The (name, value) pairs of the query and fragment whose name is secret-looking, as
    /// written (percent-encoded).
    private static func secretParameters(in url: String) -> [(Substring, Substring)] {
        guard let start = url.firstIndex(where: { $0 == "?" || $0 == "#" }) else { return [] }
        return url[url.index(after: start)...]
            .split(whereSeparator: { $0 == "&" || $0 == ";" || $0 == "?" || $0 == "#" })
            .compactMap { pair in
                guard let equals = pair.firstIndex(of: "=") else { return nil }
                let name = pair[..<equals]
                let decoded = String(name).removingPercentEncodingIfAny() ?? String(name)
                return isSecretName(decoded) ? (name, pair[pair.index(after: equals)...]) : nil
            }
    }

    /// `name=value` → `name=***` for every secret-looking parameter of the query and
    /// fragment; the rest of the URL is kept byte for byte.
    private static func maskingSecretParameters(_ url: String) -> String {
        guard let start = url.firstIndex(where: { $0 == "?" || $0 == "#" }) else { return url }
        var result = String(url[...start])
        var pair = ""
        func flush() {
            if let equals = pair.firstIndex(of: "=") {
                let name = pair[..<equals]
                let decoded = String(name).removingPercentEncodingIfAny() ?? String(name)
                if isSecretName(decoded), pair.index(after: equals) < pair.endIndex {
                    result += name + "=***"
                    pair = ""
                    return
                }
            }
            result += pair
            pair = ""
        }
        for character in url[url.index(after: start)...] {
            if character == "&" || character == ";" || character == "?" || character == "#" {
                flush()
                result.append(character)
            } else {
                pair.append(character)
            }
        }
        flush()
        return result
    }

    /// (`scheme://`, userinfo, what follows the `@`), or nil without `scheme://...@`.
    private static func split(_ url: String) -> (String, Substring, Substring)? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let afterScheme = url[schemeEnd.upperBound...]
        // The authority ends at the first `/`; a `@` after it belongs to the path.
        let authority = afterScheme.prefix { $0 != "/" }
        guard let at = authority.lastIndex(of: "@") else { return nil }
        return (String(url[..<schemeEnd.upperBound]), afterScheme[..<at], afterScheme[afterScheme.index(after: at)...])
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }

    func removingPercentEncodingIfAny() -> String? {
        guard contains("%") else { return nil }
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
