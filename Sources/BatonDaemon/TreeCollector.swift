import BatonGit
import BatonStore
import Foundation
import Logging

/// Removes exported trees (`<state>/trees/<tree id>`) that no run will execute in any more,
/// after each schedule reload: each distinct commit tree otherwise stays for good, as large
/// as the repository's checkout.
///
/// Kept: the trees of every active pipeline's current version, of every queued or running
/// run (the daemon's and those of `baton run` and `retry` in other processes, which record
/// their run before its first task starts), and any tree modified in the last `recent`
/// seconds (exported or reused just now, by a process that has not recorded its run yet).
/// A retried run of a version whose tree was collected exports it again from the mirror.
struct TreeCollector: Sendable {
    let store: SQLiteStore
    let trees: TreeStore
    let logger: Logger
    var recent: TimeInterval = 600

    /// Collects, logging what it removed or why it could not; never throws (a tree left
    /// behind costs disk, not correctness).
    func collect() async {
        let used: Set<String>
        do {
            used = try await store.treesInUse()
        } catch {
            logger.error("cannot read which exported trees are in use; none removed", metadata: ["error": "\(error.message)"])
            return
        }
        let live = Set(used.compactMap(GitObjectID.init(hex:)))
        let trees = trees
        let recent = recent
        // Removing a tree is a walk of unlinks: a thread of its own, not the cooperative pool.
        let result: Result<[GitObjectID], GitError> = await withCheckedContinuation { continuation in
            Self.thread.async {
                continuation.resume(returning: Result { () throws(GitError) in try trees.collectGarbage(keeping: live, sparing: recent) })
            }
        }
        switch result {
        case .success(let removed) where !removed.isEmpty:
            logger.info("removed exported trees no run uses", metadata: ["trees": "\(removed.map(\.short).joined(separator: ", "))"])
        case .success:
            break
        case .failure(let error):
            logger.error("cannot remove unused exported trees", metadata: ["error": "\(error.description)"])
        }
    }

    private static let thread = DispatchQueue(label: "baton.trees.collect", qos: .utility)
}
