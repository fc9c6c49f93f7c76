extension GitSource {
    /// The manifests folder as given by `--path` or `BATON_PATH`, checked to stay inside the
    /// repository: relative, `/`-separated, with no `..` component and no `.git` folder.
    ///
    /// The folder is looked up in a commit's tree, so `../..` cannot reach the host's files
    /// today; it is refused anyway, so that no later caller ever joins it onto a directory on
    /// disk (a work tree, an exported tree) and reads outside it, and so the person who typed
    /// it learns at once that it means nothing rather than seeing "no manifests" at every pass.
    /// Returns the normalised form (`./manifests/` → `manifests`; empty is the root).
    public static func checkedManifestsPath(_ path: String) throws(GitError) -> String {
        func refuse(_ why: String) -> GitError {
            GitError(code: .invalidSource, message: "the manifests folder \"\(path)\" \(why); pass a folder inside the repository, relative to its root (like manifests or deploy/pipelines)", step: .readTree)
        }
        if path.hasPrefix("/") { throw refuse("is absolute") }
        if path.contains("\\") { throw refuse("contains a backslash") }
        if path.utf8.contains(0) { throw refuse("contains a NUL byte") }
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            if component == ".." { throw refuse("leaves the repository (..)") }
            if component.lowercased() == ".git" { throw refuse("names the .git folder") }
        }
        return normalize(path)
    }
}
