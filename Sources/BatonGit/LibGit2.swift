import CGit2

/// The one place BatonGit talks to libgit2's global state and error slot.
enum LibGit2 {
    /// `git_libgit2_init` is reference counted and must run before any other call; a lazy
    /// static runs it exactly once per process, thread-safely, and never shuts it down
    /// (objects may outlive any owner we could name).
    private static let initialized: Bool = {
        git_libgit2_init()
        // As git: objects are hashed when a fetch indexes them, not again on every read.
        _ = baton_git_set_strict_hash_verification(0)
        // On a libgit2 whose private stream layout may differ, nothing of ours is laid out
        // as libgit2's: fetches are refused instead (`requireStreamLayout`).
        if LibGit2Version.streamLayoutProblem() == nil { DeadlineStream.register() }
        return true
    }()

    static func ensureInitialized() {
        _ = initialized
    }

    /// libgit2's last error for this thread, as (class, message).
    static func lastError() -> (klass: Int32, message: String) {
        guard let error = git_error_last() else { return (0, "unknown libgit2 error") }
        let message = error.pointee.message.map { String(cString: $0) } ?? "unknown libgit2 error"
        return (error.pointee.klass, message)
    }

    static func isClass(_ klass: Int32, _ value: git_error_t) -> Bool {
        klass == Int32(bitPattern: value.rawValue)
    }

    /// Turns a negative libgit2 return code into a `GitError`, classified by what the caller
    /// can do about it. `url` is only used to scrub the message and to fill the context.
    static func error(_ rc: Int32, step: GitError.Step, url: String? = nil, ref: String? = nil, code: GitError.Code? = nil) -> GitError {
        let (klass, raw) = lastError()
        var message = raw
        if let url { message = URLRedaction.scrub(message, url: url) }
        let resolved = code ?? classify(rc: rc, klass: klass, message: raw)
        return GitError(code: resolved, message: message, url: url, ref: ref, step: step, libgit2Class: klass)
    }

    /// The mapping from libgit2's (return code, class) to Baton's codes. Network and OS
    /// errors during a transfer are transient; authentication, certificates and missing refs
    /// need a person.
    static func classify(rc: Int32, klass: Int32, message: String) -> GitError.Code {
        if rc == GIT_EAUTH.rawValue { return .authentication }
        if rc == GIT_ECERTIFICATE.rawValue { return .certificate }
        let lower = message.lowercased()
        if lower.contains("timed out") { return .timeout }
        if isClass(klass, GIT_ERROR_HTTP) || isClass(klass, GIT_ERROR_NET) {
            if lower.contains("authentication") || lower.contains("401") || lower.contains("403") { return .authentication }
            // git-daemon's and http's "no such repository" arrive as remote errors.
            if lower.contains("not found") || lower.contains("no such repository") || lower.contains("not exported")
                || lower.contains("does not appear to be a git repository") || lower.contains("404") {
                return .notARepository
            }
            return .connection
        }
        if isClass(klass, GIT_ERROR_SSL) || isClass(klass, GIT_ERROR_OS) || isClass(klass, GIT_ERROR_SSH) {
            if lower.contains("certificate") || lower.contains("host key") || lower.contains("hostkey") { return .certificate }
            // libssh2 failing to load the key (wrong passphrase, unreadable format) or the
            // server refusing it: retrying with the same key cannot help.
            if isClass(klass, GIT_ERROR_SSH), lower.contains("authenticat") || lower.contains("passphrase")
                || lower.contains("private key") || lower.contains("public key") || lower.contains("publickey") {
                return .authentication
            }
            return .connection
        }
        if rc == GIT_ENOTFOUND.rawValue && (isClass(klass, GIT_ERROR_REFERENCE) || lower.contains("reference")) { return .refNotFound }
        if isClass(klass, GIT_ERROR_REPOSITORY) || lower.contains("could not find repository") { return .notARepository }
        return .libgit2
    }
}
