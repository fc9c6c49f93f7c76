import CGit2
import Crypto
import Foundation
import Synchronization

/// Baton's local copies of its sources: one bare mirror per URL under `<state>/git/`.
///
/// Bare and mirror-shaped (`refs/heads/*` and `refs/tags/*` fetched onto themselves, with
/// prune) so that a ref in the mirror means exactly what it means on the remote: a branch
/// deleted there is gone here, and a force-push moves the ref backwards as it did there.
///
/// Callers serialise syncs of one source (the reconciler does one pass per source at a
/// time); different sources can sync in parallel since they share no files. `sync` blocks
/// its thread for up to `fetchTimeout` (libgit2 is synchronous), so async callers should run
/// it on a thread of their own rather than on the cooperative pool.
public struct GitMirror: Sendable {
    /// Baton's state directory; mirrors live in its `git/` folder.
    public let stateDirectory: String
    /// The most a fetch may take, connection included; past it the fetch fails with a
    /// transient `timeout` error. Nil waits forever (tests only).
    public let fetchTimeout: TimeInterval?

    public init(stateDirectory: String, fetchTimeout: TimeInterval? = 60) {
        self.stateDirectory = stateDirectory
        self.fetchTimeout = fetchTimeout
    }

    /// `<state>/git/<first 32 hex digits of SHA-256(redacted url)>`: stable across restarts,
    /// free of characters a file system could object to, and never reveals the URL's
    /// credentials. Hashed after redaction, because the store keeps only the redacted URL
    /// and runs find the mirror to export from through it (a rotated token keeps the mirror).
    public func mirrorPath(for url: String) -> String {
        let digest = SHA256.hash(data: Data(URLRedaction.redact(url).utf8)).map { String(format: "%02x", $0) }.joined()
        return "\(stateDirectory)/git/\(digest.prefix(32))"
    }

    /// Brings the mirror of `source.url` up to date with the remote (creating it on first
    /// use) and resolves `source.ref` to a commit.
    ///
    /// An existing mirror that turns out to be damaged (unreadable refs, missing objects, a
    /// broken pack) is moved aside and cloned afresh; the result says so in `recovery`.
    ///
    /// `credentials` answer an HTTP(S) or SSH remote that asks for them, and for SSH name the
    /// known_hosts file the server's host key must be in; they never appear in the result or
    /// in an error. `lastApplied` is the commit Baton last applied from this
    /// source, if any; the result says how the new commit relates to it.
    public func sync(_ source: GitSource, lastApplied: GitObjectID? = nil, credentials: GitCredentials = .none) throws(GitError) -> FetchResult {
        LibGit2.ensureInitialized()
        try LibGit2Version.requireStreamLayout(url: source.url)
        let path = mirrorPath(for: source.url)
        var recovery: MirrorRecovery?
        if FileManager.default.fileExists(atPath: path) {
            do throws(GitError) {
                let commit = try update(path: path, source: source, credentials: credentials)
                return FetchResult(commit: commit, movement: try movement(from: lastApplied, to: commit, path: path, source: source),
                                   mirrorPath: path, cloned: false, recovery: nil)
            } catch where error.code == .corruptMirror {
                recovery = MirrorRecovery(movedTo: try moveAside(path, source: source), problem: error)
            }
        }
        let commit = try create(path: path, source: source, credentials: credentials)
        return FetchResult(commit: commit, movement: try movement(from: lastApplied, to: commit, path: path, source: source),
                           mirrorPath: path, cloned: true, recovery: recovery)
    }

    /// `sync` on a thread of its own, for async callers: a fetch blocks its thread for up to
    /// `fetchTimeout` (a remote that accepts the connection and never answers holds it that
    /// long), and a thread of Swift's cooperative pool blocked that long starves every other
    /// task of the process (the daemon's scheduler included; on two cores the pool has two
    /// threads).
    ///
    /// Cancelling the calling task returns at once with a `timeout` error and leaves the
    /// fetch to end on its thread by its own deadline (libgit2 cannot be interrupted): for a
    /// process that is stopping, which must not wait a minute for a silent remote. The
    /// caller must not sync the same source again before that thread is done.
    public func backgroundSync(_ source: GitSource, lastApplied: GitObjectID? = nil, credentials: GitCredentials = .none) async throws(GitError) -> FetchResult {
        let outcome = FetchOutcome()
        let result: Result<FetchResult, GitError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                outcome.wait(continuation)
                let thread = Thread {
                    outcome.finish(Result { () throws(GitError) in try sync(source, lastApplied: lastApplied, credentials: credentials) })
                }
                thread.name = "baton-fetch"
                thread.start()
            }
        } onCancel: {
            outcome.finish(.failure(GitError(code: .timeout, message: "the fetch was abandoned: the process is stopping", url: source.redactedURL, ref: source.ref.description, step: .fetch)))
        }
        return try result.get()
    }

    private func movement(from lastApplied: GitObjectID?, to commit: GitObjectID, path: String, source: GitSource) throws(GitError) -> Movement {
        guard let lastApplied else { return .fastForward }
        do throws(GitError) {
            return try GitRepository(path: path).movement(from: lastApplied, to: commit)
        } catch {
            throw error.inContext(source)
        }
    }

    // MARK: - Steps

    /// Checks, fetches, resolves and verifies an existing mirror. Any local damage comes out
    /// as `corruptMirror`, which `sync` answers by cloning afresh.
    private func update(path: String, source: GitSource, credentials: GitCredentials) throws(GitError) -> GitObjectID {
        let repository: GitRepository
        do throws(GitError) {
            repository = try GitRepository(path: path)
        } catch {
            throw error.asCorrupt()
        }
        try checkReferences(repository, source: source)
        try fetch(into: repository, source: source, credentials: credentials, existing: true)
        let commit = try resolve(source, in: repository)
        try verify(commit, in: repository, source: source)
        return commit
    }

    /// Clones into a temporary sibling and renames it into place, so a crash or a failed
    /// first fetch never leaves a half-made mirror under the real name.
    private func create(path: String, source: GitSource, credentials: GitCredentials) throws(GitError) -> GitObjectID {
        let parent = (path as NSString).deletingLastPathComponent
        let temporary = "\(path).tmp-\(UUID().uuidString)"
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw GitError(code: .io, message: "cannot create \(parent): \(error.localizedDescription)", url: source.url, ref: source.ref.description, step: .createMirror)
        }
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        removeAbandonedClones(of: path)

        var raw: OpaquePointer?
        let rc = git_repository_init(&raw, temporary, 1)
        guard rc == 0, let raw else { throw LibGit2.error(rc, step: .createMirror, url: source.url, ref: source.ref.description, code: .io) }
        git_repository_free(raw)

        // Scoped so the repository is closed before the directory is renamed.
        func populate() throws(GitError) -> GitObjectID {
            let repository = try GitRepository(path: temporary)
            try fetch(into: repository, source: source, credentials: credentials, existing: false)
            let commit = try resolve(source, in: repository)
            try verify(commit, in: repository, source: source)
            return commit
        }
        let commit = try populate()
        do {
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch {
            throw GitError(code: .io, message: "cannot move the new mirror into \(path): \(error.localizedDescription)", url: source.url, ref: source.ref.description, step: .createMirror)
        }
        return commit
    }

    /// The ref's commit, with the source's URL in any error.
    private func resolve(_ source: GitSource, in repository: GitRepository) throws(GitError) -> GitObjectID {
        do throws(GitError) {
            return try repository.resolve(source.ref)
        } catch {
            throw error.inContext(source)
        }
    }

    /// Removes temporary clones of this mirror left by a crash. Safe because syncs of one
    /// source are serialised by the caller, so none of them can be in progress.
    private func removeAbandonedClones(of path: String) {
        let parent = (path as NSString).deletingLastPathComponent
        let prefix = (path as NSString).lastPathComponent + ".tmp-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where name.hasPrefix(prefix) {
            try? FileManager.default.removeItem(atPath: "\(parent)/\(name)")
        }
    }

    /// Fetches heads and tags onto themselves, pruning what the remote deleted. `existing`
    /// says whether object-database errors mean our mirror is damaged (and worth recloning)
    /// or the remote sent garbage (which a fresh clone would only repeat).
    private func fetch(into repository: GitRepository, source: GitSource, credentials: GitCredentials, existing: Bool) throws(GitError) {
        let prompt: CredentialPrompt
        do throws(GitError) {
            prompt = try CredentialPrompt(credentials, ssh: source.sshEndpoint())
        } catch {
            throw error.inContext(source)
        }
        var remote: OpaquePointer?
        var rc = git_remote_create_anonymous(&remote, repository.pointer, source.url)
        guard rc == 0, let remote else { throw LibGit2.error(rc, step: .fetch, url: source.url, ref: source.ref.description, code: .invalidSource) }
        defer { git_remote_free(remote) }

        var options = git_fetch_options()
        git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
        options.prune = GIT_FETCH_PRUNE
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
        options.update_fetchhead = 0
        options.callbacks.credentials = CredentialPrompt.callback
        // Only for SSH: libgit2 1.5 accepts any SSH host key unless this callback says no.
        if prompt.hostKeys != nil { options.callbacks.certificate_check = CredentialPrompt.certificateCheck }
        options.callbacks.payload = Unmanaged.passUnretained(prompt).toOpaque()

        let refspecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]
        var cStrings: [UnsafeMutablePointer<CChar>?] = refspecs.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        let started = DeadlineStream.monotonicNow()
        rc = withExtendedLifetime(prompt) {
            DeadlineStream.withDeadline(fetchTimeout) {
                cStrings.withUnsafeMutableBufferPointer { buffer in
                    var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
                    return git_remote_fetch(remote, &array, &options, "baton: fetch")
                }
            }
        }
        guard rc == 0 else {
            if let rejection = prompt.hostKeys?.rejection { throw rejection.inContext(source) }
            var error = LibGit2.error(rc, step: .fetch, url: source.url, ref: source.ref.description)
            for secret in prompt.secrets { error.message = error.message.replacingAll(secret, with: "***") }
            // libssh2 reports a socket cut off by DeadlineStream's watchdog as a broken
            // connection; past the deadline, call it what it is.
            if error.code == .connection, let fetchTimeout, DeadlineStream.monotonicNow() - started >= fetchTimeout {
                error.code = .timeout
                error.message = "timed out after \(fetchTimeout) s: \(error.message)"
            }
            if existing, let klass = error.libgit2Class, Self.isLocalDamage(klass) { error.code = .corruptMirror }
            throw error
        }
    }

    /// Reads every reference and the object it names before fetching: garbage in a ref file
    /// or a tip whose object is gone would otherwise surface later as a confusing error.
    private func checkReferences(_ repository: GitRepository, source: GitSource) throws(GitError) {
        var iterator: OpaquePointer?
        var rc = git_reference_iterator_new(&iterator, repository.pointer)
        guard rc == 0, let iterator else { throw LibGit2.error(rc, step: .verifyMirror, url: source.url, code: .corruptMirror) }
        defer { git_reference_iterator_free(iterator) }
        while true {
            var reference: OpaquePointer?
            rc = git_reference_next(&reference, iterator)
            if rc == GIT_ITEROVER.rawValue { return }
            guard rc == 0, let reference else { throw LibGit2.error(rc, step: .verifyMirror, url: source.url, code: .corruptMirror) }
            defer { git_reference_free(reference) }
            var object: OpaquePointer?
            rc = git_reference_peel(&object, reference, GIT_OBJECT_ANY)
            guard rc == 0 else {
                let name = String(cString: git_reference_name(reference))
                throw LibGit2.error(rc, step: .verifyMirror, url: source.url, code: .corruptMirror).withMessagePrefix("\(name): ")
            }
            git_object_free(object)
        }
    }

    /// Reads the commit and every tree under it, and checks every blob is present, so a
    /// mirror with missing objects is caught at fetch time rather than halfway through
    /// exporting a tree. Costs one object lookup per file.
    private func verify(_ commit: GitObjectID, in repository: GitRepository, source: GitSource) throws(GitError) {
        do throws(GitError) {
            let tree = try repository.lookupTree(ofCommit: commit, step: .verifyMirror)
            defer { git_tree_free(tree) }
            var odb: OpaquePointer?
            let rc = git_repository_odb(&odb, repository.pointer)
            guard rc == 0, let odb else { throw LibGit2.error(rc, step: .verifyMirror) }
            defer { git_odb_free(odb) }
            try verifyTree(tree, repository: repository, odb: odb, path: "")
        } catch {
            var error = error
            error.code = .corruptMirror
            error.url = source.redactedURL
            error.ref = commit.hex
            error.step = .verifyMirror
            throw error
        }
    }

    private func verifyTree(_ tree: OpaquePointer, repository: GitRepository, odb: OpaquePointer, path: String) throws(GitError) {
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let name = String(cString: git_tree_entry_name(entry))
            let entryPath = path.isEmpty ? name : "\(path)/\(name)"
            switch git_tree_entry_type(entry) {
            case GIT_OBJECT_TREE:
                var subtree: OpaquePointer?
                let rc = git_tree_lookup(&subtree, repository.pointer, git_tree_entry_id(entry))
                guard rc == 0, let subtree else { throw LibGit2.error(rc, step: .verifyMirror).withMessagePrefix("\(entryPath): ") }
                defer { git_tree_free(subtree) }
                try verifyTree(subtree, repository: repository, odb: odb, path: entryPath)
            case GIT_OBJECT_BLOB:
                guard git_odb_exists(odb, git_tree_entry_id(entry)) == 1 else {
                    throw GitError(code: .corruptMirror, message: "\(entryPath): blob \(GitObjectID(git_tree_entry_id(entry)).short) is missing", step: .verifyMirror)
                }
            default:
                continue  // gitlinks name commits of other repositories
            }
        }
    }

    /// Renames a damaged mirror to `<hash>.corrupt-<UTC timestamp>` and returns the new path.
    private func moveAside(_ path: String, source: GitSource) throws(GitError) -> String {
        var formatter = Date.ISO8601FormatStyle()
        formatter.timeZone = TimeZone(identifier: "UTC")!
        let stamp = formatter.format(Date()).replacingOccurrences(of: ":", with: "")
        var target = "\(path).corrupt-\(stamp)"
        if FileManager.default.fileExists(atPath: target) { target += "-\(UUID().uuidString.prefix(8))" }
        do {
            try FileManager.default.moveItem(atPath: path, toPath: target)
        } catch {
            throw GitError(code: .io, message: "cannot move the corrupt mirror aside: \(error.localizedDescription)", url: source.url, ref: source.ref.description, step: .openMirror)
        }
        return target
    }

    /// libgit2 error classes that, during a fetch into an existing mirror, point at the
    /// mirror's own files rather than at the network or the remote.
    private static func isLocalDamage(_ klass: Int32) -> Bool {
        [GIT_ERROR_ODB, GIT_ERROR_ZLIB, GIT_ERROR_OBJECT, GIT_ERROR_REFERENCE, GIT_ERROR_INDEXER, GIT_ERROR_TREE]
            .contains { LibGit2.isClass(klass, $0) }
    }
}

extension GitError {
    func asCorrupt() -> GitError {
        var copy = self
        copy.code = .corruptMirror
        return copy
    }

    func inContext(_ source: GitSource) -> GitError {
        var copy = self
        copy.url = source.redactedURL
        copy.ref = copy.ref ?? source.ref.description
        return copy
    }
}

/// The one result of a `backgroundSync`: the fetch's own, or the cancellation's if that
/// came first (whichever arrives second is dropped).
private final class FetchOutcome: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Result<FetchResult, GitError>, Never>?
        var early: Result<FetchResult, GitError>?
        var done = false
    }

    private let state = Mutex(State())

    func wait(_ continuation: CheckedContinuation<Result<FetchResult, GitError>, Never>) {
        let early = state.withLock { state -> Result<FetchResult, GitError>? in
            if let early = state.early { return early }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(returning: early) }
    }

    func finish(_ result: Result<FetchResult, GitError>) {
        let continuation = state.withLock { state -> CheckedContinuation<Result<FetchResult, GitError>, Never>? in
            guard !state.done else { return nil }
            state.done = true
            guard let continuation = state.continuation else {
                state.early = result
                return nil
            }
            state.continuation = nil
            return continuation
        }
        continuation?.resume(returning: result)
    }
}
