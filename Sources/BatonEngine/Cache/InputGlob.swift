import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One `cache.inputs` entry: a path or glob relative to the tree of the version's commit.
///
/// Syntax, per `/`-separated segment: `*` (any run of characters but `/`), `?` (one
/// character), `[abc]`, `[a-z]`, `[!a-z]` (`^` also negates); a whole segment `**` matches
/// any number of directories, including none. `*` matches names starting with `.` too: an
/// input someone hid is still an input. A pattern that names a directory stands for every
/// file beneath it, so `etl` and `etl/**` mean the same.
///
/// Symbolic links are taken as links (their target text is what counts), never followed:
/// following one could read outside the tree or loop forever.
struct InputGlob: Sendable, Hashable {
    /// The pattern as written in the manifest; what an unmatched pattern contributes to the key.
    let pattern: String
    let segments: [String]

    /// - Throws: `EngineError(.cache, …)` for an empty or absolute pattern, or one with a
    ///   `..` segment: inputs must come from the tree, or the key would depend on files the
    ///   run does not own.
    init(_ pattern: String) throws(EngineError) {
        self.pattern = pattern
        guard !pattern.isEmpty else {
            throw EngineError(.cache, "cache input \"\" is empty; name a path or glob inside the repository")
        }
        guard !pattern.hasPrefix("/") else {
            throw EngineError(.cache, "cache input \"\(pattern)\" is absolute; write it relative to the repository root")
        }
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !parts.contains("..") else {
            throw EngineError(.cache, "cache input \"\(pattern)\" contains \"..\"; inputs must stay inside the repository")
        }
        segments = parts.filter { $0 != "." }
    }

    /// The tree-relative paths of every file (or symbolic link) the pattern matches under
    /// `root`, in no particular order.
    func matches(in root: String) throws(EngineError) -> Set<String> {
        var found = Set<String>()
        // Descend straight through the literal leading segments instead of walking the tree.
        var literal = 0
        while literal < segments.count, !Self.isPattern(segments[literal]) { literal += 1 }
        let base = segments[..<literal].joined(separator: "/")
        if literal == segments.count {
            try addEverything(at: base, root: root, into: &found)
        } else if Self.kind(of: Self.join(root, base)) == .directory {
            try walk(directory: base, from: literal, root: root, into: &found)
        }
        return found
    }

    // MARK: Walking

    private enum Kind { case file, directory, other }

    private static func kind(of path: String) -> Kind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG, S_IFLNK: return .file
        default: return .other  // sockets, FIFOs, devices: not content.
        }
    }

    private static func join(_ a: String, _ b: String) -> String {
        a.isEmpty ? b : b.isEmpty ? a : a + "/" + b
    }

    private static func entries(of directory: String) throws(EngineError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw EngineError(.cache, "cannot list \(directory) for a cache input: \(error.localizedDescription)")
        }
    }

    /// Adds `relative` if it is a file, or every file beneath it if it is a directory.
    private func addEverything(at relative: String, root: String, into found: inout Set<String>) throws(EngineError) {
        switch Self.kind(of: Self.join(root, relative)) {
        case .file: found.insert(relative)
        case .directory:
            for name in try Self.entries(of: Self.join(root, relative)) {
                try addEverything(at: Self.join(relative, name), root: root, into: &found)
            }
        case .other, nil: break
        }
    }

    /// Matches `segments[index...]` against the contents of directory `relative`.
    private func walk(directory relative: String, from index: Int, root: String, into found: inout Set<String>) throws(EngineError) {
        guard index < segments.count else {
            // Everything was consumed by a trailing `**`: the directory itself matched.
            try addEverything(at: relative, root: root, into: &found)
            return
        }
        let segment = segments[index]
        let names = try Self.entries(of: Self.join(root, relative))
        if segment == "**" {
            try walk(directory: relative, from: index + 1, root: root, into: &found)
            for name in names where Self.kind(of: Self.join(root, Self.join(relative, name))) == .directory {
                try walk(directory: Self.join(relative, name), from: index, root: root, into: &found)
            }
            return
        }
        let pattern = Array(segment.unicodeScalars)
        for name in names where Self.match(pattern, Array(name.unicodeScalars)) {
            let path = Self.join(relative, name)
            if index == segments.count - 1 {
                try addEverything(at: path, root: root, into: &found)
            } else if Self.kind(of: Self.join(root, path)) == .directory {
                try walk(directory: path, from: index + 1, root: root, into: &found)
            }
        }
    }

    // MARK: Matching one segment

    static func isPattern(_ segment: String) -> Bool {
        segment.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    /// Whether one path segment matches: `*` with backtracking to the last star, which is
    /// linear enough for file names and never recursive.
    static func match(_ pattern: [Unicode.Scalar], _ name: [Unicode.Scalar]) -> Bool {
        var p = 0, n = 0
        var star = -1, starName = 0
        while n < name.count {
            if p < pattern.count {
                switch pattern[p] {
                case "*":
                    star = p
                    starName = n
                    p += 1
                    continue
                case "?":
                    p += 1
                    n += 1
                    continue
                case "[":
                    if let (matched, next) = matchClass(pattern, at: p, name[n]) {
                        if matched {
                            p = next
                            n += 1
                            continue
                        }
                    } else if name[n] == "[" {  // No closing `]`: a literal bracket.
                        p += 1
                        n += 1
                        continue
                    }
                default:
                    if pattern[p] == name[n] {
                        p += 1
                        n += 1
                        continue
                    }
                }
            }
            guard star >= 0 else { return false }
            p = star + 1
            starName += 1
            n = starName
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }

    /// Matches `character` against the class opening at `pattern[start]` (a `[`); `nil` when
    /// the class never closes, in which case the `[` is an ordinary character.
    private static func matchClass(_ pattern: [Unicode.Scalar], at start: Int, _ character: Unicode.Scalar) -> (Bool, Int)? {
        var i = start + 1
        var negated = false
        if i < pattern.count, pattern[i] == "!" || pattern[i] == "^" {
            negated = true
            i += 1
        }
        var matched = false
        var first = true
        while i < pattern.count {
            let c = pattern[i]
            if c == "]", !first {
                return (matched != negated, i + 1)
            }
            first = false
            if i + 2 < pattern.count, pattern[i + 1] == "-", pattern[i + 2] != "]" {
                if c.value <= character.value, character.value <= pattern[i + 2].value { matched = true }
                i += 3
            } else {
                if c == character { matched = true }
                i += 1
            }
        }
        return nil
    }
}
