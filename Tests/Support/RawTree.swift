import Foundation

/// Trees written byte for byte with `git hash-object --literally`, which stores entry names
/// that `git mktree` and every checkout refuse (`..`, `a/b`, `.git`): what a hostile pusher
/// can put in a repository.
public enum RawTree {
    public struct Entry: Sendable {
        public var mode: String
        public var name: String
        public var id: String

        public static func blob(_ name: String, _ id: String) -> Entry { Entry(mode: "100644", name: name, id: id) }
        public static func tree(_ name: String, _ id: String) -> Entry { Entry(mode: "40000", name: name, id: id) }
        public static func link(_ name: String, _ id: String) -> Entry { Entry(mode: "120000", name: name, id: id) }
    }

    /// Writes `contents` as a blob of `repository` and returns its id.
    public static func blob(_ contents: String, in repository: FixtureRepository) throws -> String {
        let file = try scratchFile(Data(contents.utf8))
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try repository.git("hash-object", "-w", file).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes a tree with exactly these entries, in this order, and returns its id.
    public static func tree(_ entries: [Entry], in repository: FixtureRepository) throws -> String {
        var bytes = Data()
        for entry in entries {
            bytes.append(contentsOf: Array("\(entry.mode) \(entry.name)".utf8) + [0])
            var hex = Substring(entry.id)
            while !hex.isEmpty {
                bytes.append(UInt8(hex.prefix(2), radix: 16)!)
                hex = hex.dropFirst(2)
            }
        }
        let file = try scratchFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try repository.git("hash-object", "-t", "tree", "-w", "--literally", file).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Commits `tree` on top of `main` (or as the first commit) and moves `main` to it.
    @discardableResult
    public static func commit(_ tree: String, in repository: FixtureRepository, message: String = "raw tree") throws -> String {
        let parent = try? repository.revParse("refs/heads/main")
        let commit = try repository.git(["commit-tree", tree, "-m", message] + (parent.map { ["-p", $0] } ?? []))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try repository.git("update-ref", "refs/heads/main", commit)
        return commit
    }

    private static func scratchFile(_ data: Data) throws -> String {
        let path = NSTemporaryDirectory() + "baton-raw-" + UUID().uuidString
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }
}
