import Foundation

/// Keeps passwords out of messages, logs and errors.
///
/// A source URL may carry `user:password@` (or `user:token@`), and libgit2 happily repeats
/// the URL it was given in its error text, so every string that leaves BatonGit goes through
/// here. Only the password is hidden: the user name is what a person needs to recognise which
/// credential was used.
public enum URLRedaction {
    /// `https://user:secret@host/path` → `https://user:***@host/path`. URLs without a
    /// password (`ssh://git@host/repo`, scp-like `git@host:repo`, local paths) come back
    /// unchanged.
    public static func redact(_ url: String) -> String {
        guard let (prefix, userinfo, rest) = split(url), let colon = userinfo.firstIndex(of: ":") else { return url }
        return prefix + userinfo[..<colon] + ":***@" + rest
    }

    /// The password in `url`, if it has one: what `scrub` must remove from free text.
    public static func password(in url: String) -> String? {
        guard let (_, userinfo, _) = split(url), let colon = userinfo.firstIndex(of: ":") else { return nil }
        let password = String(userinfo[userinfo.index(after: colon)...])
        return password.isEmpty ? nil : password
    }

    /// Removes every trace of `url`'s password from `text` (as written and percent-decoded),
    /// for libgit2 messages that may quote the URL in any form.
    public static func scrub(_ text: String, url: String) -> String {
        var text = text.replacingAll(url, with: redact(url))
        guard let password = password(in: url) else { return text }
        text = text.replacingAll(password, with: "***")
        if let decoded = password.removingPercentEncodingIfAny(), decoded != password {
            text = text.replacingAll(decoded, with: "***")
        }
        return text
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
