import ArgumentParser
import BatonGit
import BatonStore
import Foundation

/// Where Baton keeps its state: the flag every reconciler command has. The commands that
/// only read the store (`status`, `history`, `audit`) take only this.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Baton's state directory: the SQLite store and the repository mirrors (default $BATON_STATE or ./.baton).", valueName: "dir"))
    var state: String?

    /// `--state`, `$BATON_STATE` or `.baton`.
    /// Always absolute: tasks run in their commit's tree, so a relative workspace or log
    /// path handed to them would point somewhere else.
    var stateDirectory: String {
        var path = ".baton"
        if let state, !state.isEmpty {
            path = state
        } else if let value = ProcessInfo.processInfo.environment["BATON_STATE"], !value.isEmpty {
            path = value
        }
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)).standardizedFileURL.path
    }

    /// The store of a state directory that has one, opened without creating anything: a
    /// command that only reads says "nothing reconciled yet" instead of leaving an empty
    /// database behind.
    func existingStore() throws(CommandFailure) -> SQLiteStore {
        let directory = stateDirectory
        guard SQLiteStore.exists(inStateDirectory: directory) else {
            throw CommandFailure("nothing reconciled yet: \(directory) has no state store; run `baton reconcile --once` first (or pass --state DIR where Baton keeps its state)", code: "not-reconciled")
        }
        do { return try SQLiteStore(stateDirectory: directory) } catch { throw CommandFailure(error) }
    }
}

/// The flags of the commands that read the source: the state directory, and which
/// repository, ref and folder Baton follows.
///
/// Each has an environment variable so a deployment sets them once; with none of them,
/// inside a clone, the source is the clone itself on its current branch. That default is
/// what makes `baton reconcile --once` work straight after `git clone`.
struct SourceOptions: ParsableArguments {
    @OptionGroup var stateOptions: StateOptions
    @OptionGroup var verificationOptions: VerificationOptions

    @Option(name: .long, help: ArgumentHelp("The Git repository to follow: a URL or a local path (default $BATON_REPO, else the repository around the current directory).", valueName: "url"))
    var repo: String?

    @Option(name: .long, help: ArgumentHelp("The branch, refs/tags/NAME or 40-digit commit to follow (default $BATON_REF, else the current branch of the repository around the current directory).", valueName: "ref"))
    var ref: String?

    @Option(name: .long, help: ArgumentHelp("The folder of manifests inside the repository (default $BATON_PATH or manifests).", valueName: "dir"))
    var path: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    var stateDirectory: String { stateOptions.stateDirectory }

    /// The signature policy (`--verify-commits`), as the reconciler takes it.
    func verification() throws(ValidationError) -> (policy: CommitVerification?, stopVerifying: Bool) {
        try verificationOptions.resolve(environment: environment)
    }

    /// The source the flags describe, discovering the repository around the current
    /// directory when no URL is given. Throws a `CommandFailure` (exit 1) saying which flag
    /// to pass when nothing can be worked out.
    ///
    /// `followsBranch` false is for commands that only read commits (`plan --base`): on a
    /// detached HEAD they use HEAD's commit instead of asking for --ref.
    func resolve(followsBranch: Bool = true) throws(CommandFailure) -> ResolvedSource {
        let manifestsPath: String
        do {
            manifestsPath = try GitSource.checkedManifestsPath(nonEmpty(path) ?? nonEmpty(environment["BATON_PATH"]) ?? "manifests")
        } catch {
            throw CommandFailure("--path: \(error.message)", exitCode: 2, code: error.code.rawValue)
        }
        let explicitRef = nonEmpty(ref) ?? nonEmpty(environment["BATON_REF"])
        var url = nonEmpty(repo) ?? nonEmpty(environment["BATON_REPO"])
        var local: DiscoveredRepository?
        if url == nil {
            let here = FileManager.default.currentDirectoryPath
            do {
                local = try GitRepository.discover(from: here)
            } catch {
                throw CommandFailure("no --repo given and \(here) is not inside a Git repository (\(error.message)); pass --repo URL or set BATON_REPO, or run Baton inside a clone")
            }
            url = local!.root
        }
        let refText: String
        if let explicitRef {
            refText = explicitRef
        } else if let local {
            if local.branch == nil, !followsBranch, let head = local.head {
                return ResolvedSource(source: GitSource(url: local.root, ref: .commit(head), manifestsPath: manifestsPath), discovered: local)
            }
            guard let branch = local.branch else {
                throw CommandFailure("HEAD of \(local.root) is detached, so there is no current branch to follow; pass --ref BRANCH (or set BATON_REF)")
            }
            if local.isUnborn, followsBranch {
                throw CommandFailure("branch \(branch) of \(local.root) has no commit yet; commit your manifests first (Baton reads commits, not the working tree)")
            }
            refText = branch
        } else {
            refText = "main"
        }
        if local == nil, let path = url, Self.isLocalPath(path), !FileManager.default.fileExists(atPath: path) {
            // Checked here because libgit2 reports a missing local path as an unsupported
            // protocol, which reads as a network problem that retrying could fix.
            throw CommandFailure("the repository \(path) does not exist (permanent: a person must act); check --repo or BATON_REPO", exitCode: 3, code: "not-a-repository", transient: false)
        }
        let parsed: GitSource.Ref
        do {
            parsed = try GitSource.Ref(parsing: refText)
        } catch {
            throw CommandFailure("--ref \(error.message); pass a branch name, refs/tags/NAME or a 40-digit commit id")
        }
        return ResolvedSource(source: GitSource(url: url!, ref: parsed, manifestsPath: manifestsPath), discovered: local)
    }

    /// A URL that names a local directory: no scheme and not scp-like `host:path`.
    static func isLocalPath(_ url: String) -> Bool {
        if url.hasPrefix("/") || url.hasPrefix("./") || url.hasPrefix("../") || url == "." || url == ".." { return true }
        return !url.contains("://") && !url.contains(":")
    }

    private func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}

/// The source a command follows, and the working repository it was discovered from, if any.
struct ResolvedSource {
    var source: GitSource
    /// Set when no URL was given and the source is the repository around the current
    /// directory; commands that only read commits open it directly instead of a mirror.
    var discovered: DiscoveredRepository?

    /// A local directory holding a repository, which can be read without fetching.
    var localPath: String? {
        if let discovered { return discovered.root }
        let url = source.url
        guard SourceOptions.isLocalPath(url) else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        return url
    }
}
