import BatonGit
import BatonStore

extension Reconciler {
    /// Names, for each planned change, the commit that last changed its manifest and its
    /// author, and for a change merged from a branch the merge commit and who merged it:
    /// three authors changing three files between two passes are three attributions.
    ///
    /// A change no commit explains (the manifests path itself moved, or the rules changed)
    /// is attributed to the commit being applied.
    static func attribute(_ plan: inout Plan, repository: GitRepository, from old: GitObjectID?, to new: GitObjectID, tip: CommitStamp, under manifestsPath: String) throws(GitError) {
        var byPath: [String: Attribution] = [:]
        for attribution in try repository.attributions(from: old, to: new, under: manifestsPath) {
            byPath[attribution.change.path] = attribution
            if case .renamed(let from) = attribution.change.kind, byPath[from] == nil { byPath[from] = attribution }
        }
        for index in plan.entries.indices {
            guard let found = byPath[plan.entries[index].path] else {
                plan.entries[index].attribution = ChangeAttribution(commit: tip)
                continue
            }
            plan.entries[index].attribution = ChangeAttribution(
                commit: CommitStamp(found.commit), mergeCommit: found.merge?.id.hex,
                mergedBy: found.merge.map { Person(name: $0.committer.name, email: $0.committer.email) })
        }
    }
}
