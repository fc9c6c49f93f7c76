#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The account tasks run as when it is not Baton's own (`--task-user`): its uid, primary gid
/// and supplementary groups, looked up once when Baton starts.
///
/// Set by the operator, never by a manifest: a commit author who could pick the uid of a
/// task could pick root's. With a task user, Baton (root) keeps the state directory to itself
/// (database, secrets, logs, mirrors, other runs) and gives the user only what a task needs:
/// its exported tree to read, its run's workspace and its own outputs file to write. Tasks
/// under one task user are not isolated from each other: they share a uid.
///
/// `posix_spawn` cannot change a child's user, and Swift cannot `fork`; the child is started
/// through util-linux's `setpriv` (Essential on Debian, so on every Debian system), which
/// sets the groups, gid and uid and then executes the task's program in the same process:
/// same pid, process group, descriptors and environment as without a task user.
public struct TaskUser: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let uid: uid_t
    public let gid: gid_t
    /// Supplementary groups, as `initgroups` would give them (the primary gid included).
    public let groups: [gid_t]
    /// From the password database; tasks still get their run's workspace as `HOME`.
    public let home: String

    public var description: String { "\(name) (uid \(uid))" }

    /// Where `setpriv` is looked for.
    static let launcherCandidates = ["/usr/bin/setpriv", "/bin/setpriv"]

    /// The `setpriv` executable, nil when util-linux's is missing.
    static let launcher: String? = launcherCandidates.first { access($0, X_OK) == 0 }

    init(name: String, uid: uid_t, gid: gid_t, groups: [gid_t], home: String) {
        self.name = name
        self.uid = uid
        self.gid = gid
        self.groups = groups
        self.home = home
    }

    /// Looks the user up by name (or numeric uid) and checks that Baton can run tasks as it:
    /// Baton must be root (only root may change to another uid), the user must not be root
    /// (a task user is there to take rights away), and `setpriv` must exist.
    ///
    /// - Throws: `EngineError(.taskUser)` saying which of these does not hold.
    public static func named(_ name: String) throws(EngineError) -> TaskUser {
        guard !name.isEmpty else { throw EngineError(.taskUser, "the task user's name is empty") }
        var entry = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        var rc = getpwnam_r(name, &entry, &buffer, buffer.count, &found)
        if found == nil, let number = uid_t(name) {
            rc = getpwuid_r(number, &entry, &buffer, buffer.count, &found)
        }
        guard rc == 0, let found else {
            let why = rc == 0 ? "no such user" : String(cString: strerror(rc))
            throw EngineError(.taskUser, "task user \"\(name)\": \(why); create it first (for example `useradd --system --no-create-home baton-tasks`)")
        }
        let user = TaskUser(
            name: String(cString: found.pointee.pw_name), uid: found.pointee.pw_uid, gid: found.pointee.pw_gid,
            groups: groups(of: found.pointee.pw_name, gid: found.pointee.pw_gid), home: String(cString: found.pointee.pw_dir))
        guard user.uid != 0 else {
            throw EngineError(.taskUser, "task user \"\(name)\" is root; a task user must be an unprivileged account")
        }
        guard geteuid() == 0 else {
            throw EngineError(.taskUser, "--task-user \(name) needs Baton to run as root (it changes to that user for each task); Baton runs as uid \(geteuid())")
        }
        guard launcher != nil else {
            throw EngineError(.taskUser, "--task-user needs setpriv from util-linux, found in none of \(launcherCandidates.joined(separator: ", "))")
        }
        return user
    }

    /// The user's groups from the group database, like `initgroups`: looked up here, once,
    /// so that starting a task never touches NSS.
    private static func groups(of name: UnsafePointer<CChar>, gid: gid_t) -> [gid_t] {
        var count: Int32 = 64
        while true {
            var list = [gid_t](repeating: 0, count: Int(count))
            let capacity = count
            if getgrouplist(name, gid, &list, &count) >= 0 {
                return Array(list.prefix(Int(count)))
            }
            // -1 with `count` raised to what is needed; guard against a libc that leaves it.
            if count <= capacity { count = capacity * 2 }
        }
    }

    /// The argv that runs `program` with `arguments` (argv[1...]) as this user: `setpriv`
    /// sets the groups, then the gid, then the uid (real, effective and saved), and executes
    /// the program. Numeric ids only, so the child needs no user database.
    func launch(_ program: String, arguments: ArraySlice<String>) -> (String, [String])? {
        guard let launcher = Self.launcher else { return nil }
        let groups = groups.isEmpty ? "--clear-groups" : "--groups=" + groups.map(String.init).joined(separator: ",")
        return (launcher, [launcher, "--reuid=\(uid)", "--regid=\(gid)", groups, "--", program] + arguments)
    }

    /// Makes an empty file at `path` (truncating one left by an earlier try) that belongs to
    /// this user, mode 0600: the attempt's outputs file, which the task must write but may
    /// not be able to create, since the folder it lives in is Baton's.
    public func giveFile(_ path: String) throws(EngineError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw EngineError(.io, "cannot create \(path) for the task user: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fchown(fd, uid, gid) == 0, fchmod(fd, 0o600) == 0 else {
            throw EngineError(.io, "cannot give \(path) to the task user \(name): \(String(cString: strerror(errno)))")
        }
    }

    /// Takes back what `giveFile` or `giveDirectory` gave, once the task is over: Baton's
    /// again, mode 0600 or 0700, so later tasks of the same user (another run's, which share
    /// its uid) can neither read an attempt's outputs nor enter a finished run's workspace.
    public func reclaim(_ path: String) throws(EngineError) {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return }
            throw EngineError(.io, "cannot take \(path) back from the task user: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw EngineError(.io, "cannot inspect \(path): \(String(cString: strerror(errno)))") }
        let mode: mode_t = info.st_mode & S_IFMT == S_IFDIR ? 0o700 : 0o600
        guard fchown(fd, geteuid(), getegid()) == 0, fchmod(fd, mode) == 0 else {
            throw EngineError(.io, "cannot take \(path) back from the task user \(name): \(String(cString: strerror(errno)))")
        }
    }

    /// Gives a folder Baton created (the run's workspace) to this user, mode 0700.
    public func giveDirectory(_ path: String) throws(EngineError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw EngineError(.io, "cannot open \(path) for the task user: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fchown(fd, uid, gid) == 0, fchmod(fd, 0o700) == 0 else {
            throw EngineError(.io, "cannot give \(path) to the task user \(name): \(String(cString: strerror(errno)))")
        }
    }
}
