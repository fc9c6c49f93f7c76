/// The symbolic links of one tree, and where each leads once the tree is on disk.
///
/// A link's text alone says little: `a -> .` and `b -> a/..` each look harmless, yet `b`
/// names the folder holding the tree, and `c -> b/..` the state directory above it. So a
/// link is judged the way the kernel will follow it in the exported tree: component by
/// component from the folder holding it, every link met on the way (links of links
/// included) replaced by where it leads, `..` taken from wherever that is. A link is kept
/// only when no step of that walk climbs above the tree's root.
///
/// Entries that are not links are taken as folders (a missing entry or a file followed by
/// more components makes the kernel fail, which is safe either way), so the verdict never
/// depends on which entries exist, only on the links.
struct TreeLinks {
    /// As many links as Linux follows in one path before it gives up (`ELOOP`); a chain
    /// longer than that, or a loop, is judged to leave the tree.
    static let maximumFollows = 40
    /// A target the kernel cannot store (`PATH_MAX`, its NUL included) is not kept either.
    static let maximumTargetBytes = 4095

    /// Link path (`/`-separated, from the tree's root) → its target as committed.
    private(set) var targets: [String: String] = [:]

    mutating func add(path: String, target: String) {
        targets[path] = target
    }

    /// True when following the link at `path` (one of `targets`) stays inside the tree.
    func staysInside(_ path: String) -> Bool {
        guard let target = targets[path] else { return false }
        var folder = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        folder.removeLast()
        var follows = 1
        return resolve(target, from: folder, follows: &follows) != nil
    }

    /// The components (from the tree's root) that `target` leads to when read from
    /// `folder`, or nil when it leaves the tree at any step.
    private func resolve(_ target: String, from folder: [String], follows: inout Int) -> [String]? {
        guard !target.isEmpty, !target.hasPrefix("/"), !target.utf8.contains(0),
              target.utf8.count <= Self.maximumTargetBytes else { return nil }
        var current = folder
        for component in target.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".":
                continue
            case "..":
                guard !current.isEmpty else { return nil }
                current.removeLast()
            default:
                let candidate = current + [String(component)]
                guard let next = targets[candidate.joined(separator: "/")] else {
                    current = candidate
                    continue
                }
                follows += 1
                guard follows <= Self.maximumFollows, let resolved = resolve(next, from: current, follows: &follows) else { return nil }
                current = resolved
            }
        }
        return current
    }
}
