import CGit2

/// A libgit2 version, and the check that keeps `DeadlineStream` off versions it was not
/// written for.
///
/// `DeadlineStream` lays its streams out like libgit2's private `git_socket_stream`, because
/// libgit2's SSH transport reads the socket's descriptor from that private struct. A libgit2
/// that changed the struct would hand libssh2 whatever lies at the old offset: a wrong
/// descriptor, another connection's. Private layouts change without notice between minor
/// versions, so Baton refuses to fetch unless both the libgit2 it was compiled against and
/// the one loaded at run time are the version the layout was copied from (patch releases do
/// not change structs).
public struct LibGit2Version: Sendable, Hashable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var revision: Int

    public init(major: Int, minor: Int, revision: Int) {
        self.major = major
        self.minor = minor
        self.revision = revision
    }

    public var description: String { "\(major).\(minor).\(revision)" }

    /// The library loaded at run time (`git_libgit2_version`): a system upgrade can change
    /// it under a built binary.
    public static var loaded: LibGit2Version {
        var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
        _ = git_libgit2_version(&major, &minor, &revision)
        return LibGit2Version(major: Int(major), minor: Int(minor), revision: Int(revision))
    }

    /// The headers Baton was compiled against (`LIBGIT2_VER_*`).
    public static let built = LibGit2Version(major: Int(LIBGIT2_VER_MAJOR), minor: Int(LIBGIT2_VER_MINOR), revision: Int(LIBGIT2_VER_REVISION))

    /// The major.minor whose private `git_socket_stream` the CGit2 shim copies.
    public static let streamLayout = LibGit2Version(major: Int(BATON_GIT_STREAM_LAYOUT_MAJOR), minor: Int(BATON_GIT_STREAM_LAYOUT_MINOR), revision: 0)

    /// Throws `unsupported-libgit2`, naming the versions, unless `loaded` and `built` both
    /// have the major.minor of `streamLayout`.
    public static func requireStreamLayout(loaded: LibGit2Version = .loaded, built: LibGit2Version = .built, url: String? = nil) throws(GitError) {
        if let problem = streamLayoutProblem(loaded: loaded, built: built, url: url) { throw problem }
    }

    /// The `unsupported-libgit2` error `requireStreamLayout` throws, or nil.
    static func streamLayoutProblem(loaded: LibGit2Version = .loaded, built: LibGit2Version = .built, url: String? = nil) -> GitError? {
        let layout = streamLayout
        let matches = { (version: LibGit2Version) in version.major == layout.major && version.minor == layout.minor }
        guard !matches(loaded) || !matches(built) else { return nil }
        return GitError(
            code: .unsupportedLibgit2,
            message: "libgit2 \(loaded) is loaded and Baton was built against libgit2 \(built), but its fetch deadline (DeadlineStream) "
                + "writes into libgit2 \(layout.major).\(layout.minor)'s private socket stream layout, so Baton refuses to fetch; "
                + "install libgit2 \(layout.major).\(layout.minor) (Debian 12's libgit2-1.5) or a Baton built and tested for this libgit2",
            url: url, step: .fetch)
    }
}
