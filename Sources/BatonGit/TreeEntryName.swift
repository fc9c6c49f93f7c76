/// The rule every tree entry's name must pass before Baton joins it onto a directory on disk.
///
/// Git stores entry names as raw bytes and never checks them when it reads a tree, and
/// `git hash-object --literally` writes any bytes at all, so a commit can hold an entry named
/// `..`, `../../x` or `.git`. Joined onto `<state>/trees/<id>/` such a name writes outside
/// the exported tree. The rule is git's own `verify_path` for one component, with its NTFS
/// and HFS+ protections on (git enables them by default): a name is one plain component.
public enum TreeEntryName {
    /// Why `name` cannot be exported as written, or nil when it is one plain component.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name == "." || name == ".." { return "is \(name)" }
        if name.contains("/") { return "contains /" }
        if name.contains("\\") { return "contains a backslash" }
        if name.utf8.contains(0) { return "contains a NUL byte" }
        if isDotGit(name) { return "names a .git folder" }
        return nil
    }

    /// `.git` in any case, also as NTFS reads it (`.git.`, `.git `, the short name `git~1`)
    /// and as HFS+ reads it (with zero-width characters HFS+ ignores, like U+200C).
    static func isDotGit(_ name: String) -> Bool {
        let visible = String(String.UnicodeScalarView(name.unicodeScalars.filter { !isHFSIgnorable($0) })).lowercased()
        if visible == ".git" || visible == "git~1" { return true }
        guard visible.hasPrefix(".git") else { return false }
        return visible.dropFirst(4).allSatisfy { $0 == "." || $0 == " " }
    }

    /// The code points HFS+ drops when it compares names (git's `next_hfs_char`).
    private static func isHFSIgnorable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200C...0x200F, 0x202A...0x202E, 0x206A...0x206F, 0xFEFF: true
        default: false
        }
    }
}
