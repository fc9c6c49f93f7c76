import CGit2
import Testing

/// Links libgit2 for real: a machine without `libgit2-dev` fails at build time, not at the
/// first fetch in production.
@Test func libgit2IsLinkedAndAtLeast1_5() {
    var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
    let rc = git_libgit2_version(&major, &minor, &revision)
    #expect(rc == 0)
    #expect(major > 1 || (major == 1 && minor >= 5), "libgit2 \(major).\(minor).\(revision) is older than 1.5")
}

/// The headers and the library agree with the version whose private socket stream layout
/// the shim copies (`baton_git_socket_stream`): a machine with another libgit2 fails here
/// first, and BatonGit refuses to fetch on it.
@Test func headersAndLibraryHaveTheCopiedSocketStreamLayout() {
    var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
    _ = git_libgit2_version(&major, &minor, &revision)
    #expect(LIBGIT2_VER_MAJOR == BATON_GIT_STREAM_LAYOUT_MAJOR && LIBGIT2_VER_MINOR == BATON_GIT_STREAM_LAYOUT_MINOR,
            "built against libgit2 \(LIBGIT2_VER_MAJOR).\(LIBGIT2_VER_MINOR), the shim copies \(BATON_GIT_STREAM_LAYOUT_MAJOR).\(BATON_GIT_STREAM_LAYOUT_MINOR)'s layout")
    #expect(major == BATON_GIT_STREAM_LAYOUT_MAJOR && minor == BATON_GIT_STREAM_LAYOUT_MINOR,
            "libgit2 \(major).\(minor).\(revision) is loaded, the shim copies \(BATON_GIT_STREAM_LAYOUT_MAJOR).\(BATON_GIT_STREAM_LAYOUT_MINOR)'s layout")
}
