/// Where Baton reads its manifests from: a repository URL, a ref in it and a folder.
///
/// URLs are passed to libgit2 as written: a local path, `file://`, `git://`, `http(s)://`,
/// `ssh://user@host[:port]/path` or scp-like `user@host:path`. SSH sources need a key and a
/// known_hosts file (see `GitCredentials.sshKey` and `sshEndpoint()`).
public struct GitSource: Sendable, Hashable, CustomStringConvertible {
    /// Which commit of the repository Baton follows.
    public enum Ref: Sendable, Hashable, CustomStringConvertible {
        /// A branch name without `refs/heads/` (`main`): follows its tip.
        case branch(String)
        /// A tag name without `refs/tags/` (`v1`): follows the tag, peeled to its commit, so
        /// a re-pointed tag moves Baton too.
        case tag(String)
        /// A pinned commit: never moves; the fetch only makes sure the commit is present.
        case commit(GitObjectID)

        /// Reads the ref as a person writes it in configuration: `refs/tags/v1` is a tag,
        /// `refs/heads/x` or a bare name is a branch, 40 hex digits are a pinned commit.
        public init(parsing text: String) throws(GitError) {
            if let id = GitObjectID(hex: text) {
                self = .commit(id)
            } else if text.hasPrefix("refs/tags/"), text.count > "refs/tags/".count {
                self = .tag(String(text.dropFirst("refs/tags/".count)))
            } else if text.hasPrefix("refs/heads/"), text.count > "refs/heads/".count {
                self = .branch(String(text.dropFirst("refs/heads/".count)))
            } else if !text.isEmpty, !text.hasPrefix("refs/"), !text.hasPrefix("-"), !text.contains("..") {
                self = .branch(text)
            } else {
                throw GitError(code: .invalidSource, message: "\"\(text)\" is not a branch, a refs/tags/ tag or a 40-digit commit", ref: text, step: .resolveRef)
            }
        }

        /// The full reference name in the mirror, or nil for a pinned commit.
        public var referenceName: String? {
            switch self {
            case .branch(let name): "refs/heads/\(name)"
            case .tag(let name): "refs/tags/\(name)"
            case .commit: nil
            }
        }

        public var description: String {
            switch self {
            case .branch(let name): name
            case .tag(let name): "refs/tags/\(name)"
            case .commit(let id): id.hex
            }
        }
    }

    public var url: String
    public var ref: Ref
    /// The folder holding the manifests, relative to the repository root, `/`-separated,
    /// without leading or trailing `/`. Empty means the root.
    public var manifestsPath: String

    public init(url: String, ref: Ref = .branch("main"), manifestsPath: String = "manifests") {
        self.url = url
        self.ref = ref
        self.manifestsPath = GitSource.normalize(manifestsPath)
    }

    /// The SSH user, host and port of the URL; nil when the source is not reached over SSH.
    /// Throws `invalidSource` for a malformed SSH URL (no host, a bad port, no path).
    public func sshEndpoint() throws(GitError) -> SSHEndpoint? {
        try SSHEndpoint.parse(url)
    }

    /// The URL with any password hidden: the only form fit for messages and logs.
    public var redactedURL: String { URLRedaction.redact(url) }

    public var description: String { "\(redactedURL)#\(ref) (\(manifestsPath.isEmpty ? "/" : manifestsPath))" }

    /// `./manifests/` → `manifests`, so path prefixes compare exactly.
    public static func normalize(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }.joined(separator: "/")
    }
}
