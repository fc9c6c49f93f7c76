/// Replaces secret values with `***` in anything Baton shows: logs, outputs, error messages
/// and `--json` (DESIGN decision 8).
///
/// Longer values are replaced first so a secret that contains a shorter one is hidden whole,
/// rather than leaving its remainder readable around a `***`. Empty values are ignored: an
/// empty secret would otherwise "match" between every character.
public struct Redactor: Sendable {
    /// What every secret value becomes.
    public static let mask = "***"

    private let secrets: [String]

    /// - Parameter secrets: the resolved values of every secret a run uses; duplicates and
    ///   empty strings are dropped.
    public init(secrets: [String]) {
        self.secrets = Set(secrets.filter { !$0.isEmpty }).sorted {
            $0.utf8.count != $1.utf8.count ? $0.utf8.count > $1.utf8.count : $0 < $1
        }
    }

    /// A redactor that changes nothing, for runs without secrets.
    public static let none = Redactor(secrets: [])

    /// `text` with every occurrence of every secret value replaced by `***`.
    ///
    /// Matches UTF-8 bytes, not Characters: a secret followed by a combining mark is a
    /// different Character sequence but still the same secret on screen, and must not leak.
    public func redact(_ text: String) -> String {
        guard !secrets.isEmpty else { return text }
        var bytes = Array(text.utf8)
        var changed = false
        for secret in secrets {
            let needle = Array(secret.utf8)
            let ranges = bytes.ranges(of: needle)
            guard !ranges.isEmpty else { continue }
            changed = true
            var replaced: [UInt8] = []
            replaced.reserveCapacity(bytes.count)
            var position = 0
            for range in ranges {
                replaced.append(contentsOf: bytes[position..<range.lowerBound])
                replaced.append(contentsOf: Self.mask.utf8)
                position = range.upperBound
            }
            replaced.append(contentsOf: bytes[position...])
            bytes = replaced
        }
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }
}
