#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces secret values with `***` in anything Baton shows: logs, outputs, error messages
/// and `--json` (DESIGN decision 8).
///
/// What is hidden, for each secret value:
/// - the whole value, always, whatever its length;
/// - for a value of several lines (a PEM key, a JSON credential), also each of its lines on
///   its own, once trimmed of surrounding spaces, when that line is at least
///   ``minimumLineLength`` bytes: a program that prints the value may print it line by line
///   or re-indented, and every long line of a key is a piece of the key. Shorter lines
///   (`}`, `AB==`) are too common in ordinary output to hide and too short to be worth
///   anything on their own.
///
/// Every byte that belongs to any occurrence of any of those values is hidden, overlapping
/// occurrences as one `***`: with secrets `abcd` and `cdef`, `abcdef` shows as `***`, not as
/// `***ef` or `ab***`. Matching is on UTF-8 bytes, not Characters: a secret followed by a
/// combining mark is a different Character sequence but still the same secret on screen.
/// Empty values are ignored: an empty secret would otherwise "match" between every byte.
///
/// ``redact(_:)`` works on text already whole; ``RedactingStream`` on a byte stream read in
/// chunks (a process's output, a response body), so a secret cut by a read boundary is
/// still found.
public struct Redactor: Sendable {
    /// What every secret value becomes.
    public static let mask = "***"

    /// The shortest line of a multi-line secret that is hidden on its own, in bytes (after
    /// trimming spaces and tabs). The whole value is hidden whatever its length.
    public static let minimumLineLength = 8

    /// Every byte string to hide, longest first, so the first one matching at a position is
    /// the longest there.
    let needles: [[UInt8]]
    /// For each byte value, the indexes in `needles` of those starting with it (longest
    /// first): the common case, a byte that starts no secret, costs one lookup.
    let startingWith: [[Int]]
    /// The length of the longest needle: how far back a match can begin.
    let longest: Int

    /// - Parameter secrets: the resolved values of every secret a run uses; duplicates and
    ///   empty strings are dropped.
    public init(secrets: [String]) {
        var values = Set<[UInt8]>()
        for secret in secrets where !secret.isEmpty {
            let bytes = Array(secret.utf8)
            values.insert(bytes)
            guard bytes.contains(UInt8(ascii: "\n")) else { continue }
            for line in bytes.split(separator: UInt8(ascii: "\n")) {
                var start = line.startIndex
                var end = line.endIndex
                while start < end, Self.isBlank(line[start]) { start += 1 }
                while end > start, Self.isBlank(line[end - 1]) { end -= 1 }
                if end - start >= Self.minimumLineLength { values.insert(Array(line[start..<end])) }
            }
        }
        needles = values.sorted { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
        // Built only when there is something to find: a task without secrets (the common
        // case) makes a redactor per attempt and never scans with it.
        var table = [[Int]](repeating: [], count: needles.isEmpty ? 0 : 256)
        for (index, needle) in needles.enumerated() { table[Int(needle[0])].append(index) }
        startingWith = table
        longest = needles.first?.count ?? 0
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    /// A redactor that changes nothing, for runs without secrets.
    public static let none = Redactor(secrets: [])

    /// Whether there is nothing to hide, so callers can skip redaction entirely.
    public var isEmpty: Bool { needles.isEmpty }

    /// `text` with every occurrence of every secret value replaced by `***`.
    public func redact(_ text: String) -> String {
        guard !needles.isEmpty else { return text }
        var text = text
        var output: [UInt8] = []
        var carry = 0
        let matched = text.withUTF8 { bytes in
            scan(bytes, carry: &carry, final: true, into: &output).matched
        }
        return matched ? String(decoding: output, as: UTF8.self) : text
    }

    /// Whether `text` holds any secret value (or a long line of one).
    public func reveals(_ text: String) -> Bool {
        redact(text) != text
    }

    /// Appends `bytes` to `output`, secrets masked, up to the point after which a match could
    /// still begin that more input would complete (everything, when `final`).
    ///
    /// - Parameter carry: on entry, how many leading bytes of `bytes` belong to a secret whose
    ///   `***` was already written (a match that ran past the previous call's end); on return,
    ///   the same for the bytes not consumed.
    /// - Returns: how many bytes of `bytes` were consumed, and whether anything was masked.
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, carry: inout Int, final: Bool, into output: inout [UInt8]) -> (consumed: Int, matched: Bool) {
        let count = bytes.count
        let safe = final ? count : holdFrom(bytes)
        // Bytes before `coveredEnd` are hidden and their mask is written.
        var coveredEnd = carry
        var matched = false
        var position = 0
        while position < safe {
            let candidates = startingWith[Int(bytes[position])]
            if !candidates.isEmpty, let length = longestMatch(bytes, at: position, among: candidates) {
                matched = true
                if position >= coveredEnd {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[coveredEnd..<position]))
                    output.append(contentsOf: Self.mask.utf8)
                    coveredEnd = position + length
                } else {
                    coveredEnd = max(coveredEnd, position + length)
                }
            }
            position += 1
        }
        if coveredEnd < safe {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[coveredEnd..<safe]))
            carry = 0
        } else {
            carry = coveredEnd - safe
        }
        return (safe, matched)
    }

    /// The length of the longest needle found whole at `position`.
    private func longestMatch(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int, among candidates: [Int]) -> Int? {
        let left = bytes.count - position
        for index in candidates {
            let needle = needles[index]
            guard needle.count <= left else { continue }
            let equal = needle.withUnsafeBufferPointer { memcmp($0.baseAddress!, bytes.baseAddress! + position, $0.count) == 0 }
            if equal { return needle.count }
        }
        return nil
    }

    /// The first position from which the rest of `bytes` is the beginning of some needle,
    /// so must wait for more input; `bytes.count` when no match can still be completed.
    ///
    /// Only a tail that could grow into a secret is held back, not the longest secret's
    /// length of every stream: a line is written as soon as it is known not to start one.
    private func holdFrom(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let count = bytes.count
        var position = max(0, count - longest + 1)
        while position < count {
            let left = count - position
            for index in startingWith[Int(bytes[position])] {
                let needle = needles[index]
                guard needle.count > left else { continue }
                let equal = needle.withUnsafeBufferPointer { memcmp($0.baseAddress!, bytes.baseAddress! + position, left) == 0 }
                if equal { return position }
            }
            position += 1
        }
        return count
    }
}
