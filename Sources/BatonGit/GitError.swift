/// Why a Git operation failed, and whether trying again later can help.
///
/// A struct with a stable `code` rather than an enum, so that adding a code never breaks a
/// caller's `switch`; callers match on `code`, people read `description`. The reconciler only
/// needs one bit to decide what happens next (`isTransient`: retry on the next pass, or wait
/// for a person), but the status page needs the rest: which source, which ref, which step.
///
/// Never holds a credential: `url` is redacted on the way in and the libgit2 text is scrubbed
/// of the URL's password (see `URLRedaction`).
public struct GitError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable name of a kind of failure, printed in brackets and in `--json`.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The URL (or the mirror on disk) is not a Git repository. Permanent.
        public static let notARepository = Code(rawValue: "not-a-repository")
        /// The branch or tag does not exist on the remote (deleted, or mistyped), or a pinned
        /// commit is not in the fetched history. Permanent.
        public static let refNotFound = Code(rawValue: "ref-not-found")
        /// Connection refused, host unreachable, remote hung up, DNS failure. Transient.
        public static let connection = Code(rawValue: "connection")
        /// The operation ran past its deadline. Transient.
        public static let timeout = Code(rawValue: "timeout")
        /// The remote refused the credentials, or none were offered when it asked. Permanent.
        public static let authentication = Code(rawValue: "authentication")
        /// TLS certificate or SSH host key rejected. Permanent: trusting a new key is a
        /// person's decision.
        public static let certificate = Code(rawValue: "certificate")
        /// The local mirror is damaged and could not be recovered by cloning afresh.
        /// Permanent.
        public static let corruptMirror = Code(rawValue: "corrupt-mirror")
        /// The source itself is malformed (an empty URL, a bad ref). Permanent.
        public static let invalidSource = Code(rawValue: "invalid-source")
        /// Reading or writing Baton's own state directory failed (disk full, permissions).
        /// Permanent: a person must free space or fix permissions.
        public static let io = Code(rawValue: "io")
        /// A commit's tree holds an entry that cannot be exported safely (a name like `..`,
        /// `.git` or `a/b`). Permanent: the commit must change.
        public static let unsafeTree = Code(rawValue: "unsafe-tree")
        /// The libgit2 Baton runs with is not the version `DeadlineStream`'s private-layout
        /// stream was written for, so fetching is refused. Permanent: install the matching
        /// libgit2 or a Baton built for this one.
        public static let unsupportedLibgit2 = Code(rawValue: "unsupported-libgit2")
        /// A commit's signature could not be checked at all: `ssh-keygen` or `gpgv` is missing,
        /// the allowed-signers file or trusted-keys folder cannot be read, or the tool failed
        /// in a way that says nothing about the commit. Permanent: nothing is applied until a
        /// person fixes the set-up (a bad signature is not this error but a rejected commit).
        public static let verification = Code(rawValue: "verification")
        /// Anything else libgit2 reported. Permanent, since we cannot tell that waiting helps.
        public static let libgit2 = Code(rawValue: "libgit2")
    }

    /// The step that failed, so a status page can say "fetch failed" rather than "failed".
    public struct Step: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let openMirror = Step(rawValue: "open-mirror")
        public static let createMirror = Step(rawValue: "create-mirror")
        public static let fetch = Step(rawValue: "fetch")
        public static let resolveRef = Step(rawValue: "resolve-ref")
        public static let verifyMirror = Step(rawValue: "verify-mirror")
        public static let readTree = Step(rawValue: "read-tree")
        public static let diff = Step(rawValue: "diff")
        public static let history = Step(rawValue: "history")
        public static let verifySignature = Step(rawValue: "verify-signature")
        public static let exportTree = Step(rawValue: "export-tree")
        public static let collectGarbage = Step(rawValue: "collect-garbage")
    }

    public var code: Code
    /// What went wrong, for a person. Never contains a credential.
    public var message: String
    /// The source URL with any password replaced by `***`; `nil` for purely local steps.
    public var url: String?
    /// The ref being fetched or resolved, or the commit being read.
    public var ref: String?
    public var step: Step
    /// libgit2's error class (`GIT_ERROR_NET`...), kept for bug reports.
    public var libgit2Class: Int32?

    public init(code: Code, message: String, url: String? = nil, ref: String? = nil, step: Step, libgit2Class: Int32? = nil) {
        self.code = code
        self.message = message
        self.url = url.map(URLRedaction.redact)
        self.ref = ref
        self.step = step
        self.libgit2Class = libgit2Class
    }

    /// True when retrying later can succeed without anyone acting (the network came back);
    /// false when a person must act (fix the URL, the credentials, the ref).
    public var isTransient: Bool {
        code == .connection || code == .timeout
    }

    /// `git fetch of git://host/repo (ref main) failed: <message> [connection] (transient)`.
    public var description: String {
        var subject = "git \(step.rawValue)"
        if let url { subject += " of \(url)" }
        if let ref { subject += " (ref \(ref))" }
        return "\(subject) failed: \(message) [\(code.rawValue)] (\(isTransient ? "transient: will retry" : "permanent: needs a person"))"
    }
}
