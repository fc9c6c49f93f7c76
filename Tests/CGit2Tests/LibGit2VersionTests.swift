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
