import Foundation

extension TreeStore {
    /// `export` on a thread of its own, for async callers: exporting a tree writes every file
    /// of the repository's checkout (seconds for a large one), and a thread of Swift's
    /// cooperative pool held that long is taken from the scheduler and every run. The mirror
    /// is opened on that thread (libgit2 wants one repository object per thread).
    public func backgroundExport(commit: GitObjectID, mirrorPath: String) async throws(GitError) -> ExportedTree {
        let result: Result<ExportedTree, GitError> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: Result { () throws(GitError) in
                    try export(commit: commit, from: try GitRepository(path: mirrorPath))
                })
            }
        }
        return try result.get()
    }
}
