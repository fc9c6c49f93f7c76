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
///
/// Positions are numbered nodes of a trie of the names met (the tree's own and those the
/// targets name), each with one parent, so `..` is one lookup, and each link is resolved
/// once and remembered: a commit of many long or chained links costs time in proportion to
/// the bytes of its targets, never their product.
final class TreeLinks {
    /// Links followed within one another before a link is judged to leave the tree: as many
    /// as Linux follows in one path before it gives up (`ELOOP`). Loops leave it too.
    static let maximumFollows = 40
    /// A target the kernel cannot store (`PATH_MAX`, its NUL included) is not kept either.
    static let maximumTargetBytes = 4095

    private struct Key: Hashable {
        var parent: Int
        var name: String
    }

    /// Link path (`/`-separated, from the tree's root) → its target as committed.
    private(set) var targets: [String: String] = [:]
    /// Node 0 is the tree's root; `parents[node]` is the folder holding it.
    private var parents: [Int] = [-1]
    private var nodes: [Key: Int] = [:]
    /// The target of every node that is a link.
    private var linkTargets: [Int: String] = [:]
    /// Where each link resolved (nil: it leaves the tree), once known.
    private var resolved: [Int: Int?] = [:]
    private var resolving: Set<Int> = []

    func add(path: String, target: String) {
        targets[path] = target
        var node = 0
        for component in path.split(separator: "/", omittingEmptySubsequences: true) { node = child(of: node, String(component)) }
        linkTargets[node] = target
    }

    /// True when following the link at `path` (one of `targets`) stays inside the tree.
    func staysInside(_ path: String) -> Bool {
        var node = 0
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let next = nodes[Key(parent: node, name: String(component))] else { return false }
            node = next
        }
        guard linkTargets[node] != nil else { return false }
        return resolve(link: node, depth: 1) != nil
    }

    /// The node `link` leads to, or nil when it leaves the tree at any step.
    private func resolve(link: Int, depth: Int) -> Int? {
        if let known = resolved[link] { return known }
        guard depth <= Self.maximumFollows, !resolving.contains(link), let target = linkTargets[link] else { return nil }
        resolving.insert(link)
        let result = walk(target, from: parents[link], depth: depth)
        resolving.remove(link)
        resolved[link] = result
        return result
    }

    private func walk(_ target: String, from folder: Int, depth: Int) -> Int? {
        guard !target.isEmpty, !target.hasPrefix("/"), !target.utf8.contains(0),
              target.utf8.count <= Self.maximumTargetBytes else { return nil }
        var current = folder
        for component in target.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".":
                continue
            case "..":
                guard current != 0 else { return nil }
                current = parents[current]
            default:
                let next = child(of: current, String(component))
                if linkTargets[next] == nil {
                    current = next
                } else {
                    guard let destination = resolve(link: next, depth: depth + 1) else { return nil }
                    current = destination
                }
            }
        }
        return current
    }

    private func child(of parent: Int, _ name: String) -> Int {
        let key = Key(parent: parent, name: name)
        if let node = nodes[key] { return node }
        let node = parents.count
        parents.append(parent)
        nodes[key] = node
        return node
    }
}
