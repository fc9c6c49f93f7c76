/// Where to send a browser after sign-in: only a path on this site under the dashboard, so a
/// crafted link (`?next=https://evil.example`, `//evil.example`, `/\evil.example`) cannot turn
/// the sign-in form into an open redirect.
enum SafeNext {
    static func path(_ candidate: String?, prefix: String) -> String? {
        guard let candidate, !candidate.isEmpty, candidate.utf8.count <= 2048 else { return nil }
        guard candidate.hasPrefix(prefix + "/") || candidate == prefix else { return nil }
        // One leading slash, no backslash (browsers read `\` as `/`), no control characters
        // or spaces (which browsers strip, joining what they separate).
        guard !candidate.hasPrefix("//"),
              candidate.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "\\") }) else { return nil }
        return candidate
    }
}
