import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real, unprivileged system account made for one test (`useradd`) and removed when the
/// test is done with it, for the task-user tests. Needs root, which CI has; tests that use
/// it are enabled by `TestUser.available` and say why when they are skipped.
public final class TestUser: Sendable {
    public let name: String
    public let uid: uid_t
    public let gid: gid_t

    /// Root and the shadow tools: what creating and switching to a user needs.
    public static let available = geteuid() == 0 && access("/usr/sbin/useradd", X_OK) == 0 && access("/usr/sbin/userdel", X_OK) == 0

    public init() throws {
        name = "baton-test-" + UUID().uuidString.prefix(8).lowercased()
        // Tests run in parallel and useradd locks /etc/passwd: a busy lock is retried.
        try Self.retryingLock("/usr/sbin/useradd", ["--system", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", name])
        guard let entry = getpwnam(name) else { throw Shell.Failure(command: "getpwnam \(name)", status: -1, output: "the new user is not found") }
        uid = entry.pointee.pw_uid
        gid = entry.pointee.pw_gid
    }

    deinit {
        try? Self.retryingLock("/usr/sbin/userdel", [name])
    }

    private static func retryingLock(_ tool: String, _ arguments: [String]) throws {
        var tries = 0
        while true {
            do {
                try Shell.run(tool, arguments)
                return
            } catch let failure as Shell.Failure where tries < 50 && failure.output.contains("lock") {
                tries += 1
                usleep(100_000)
            }
        }
    }

    /// Changes the owner of `path` (and what is under it) to this user.
    public func own(_ path: String) throws {
        try Shell.run("/bin/chown", ["-R", "\(uid):\(gid)", path])
    }
}
