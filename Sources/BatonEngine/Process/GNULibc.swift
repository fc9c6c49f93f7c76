#if canImport(Glibc)
import Glibc
#endif

/// glibc functions that Swift's `Glibc` module does not import, because their declarations
/// need `_GNU_SOURCE` (or, for `pidfd_open`, a header the module lacks), and BatonEngine has
/// no C target to declare them in. Looked up once with `dlsym`; each is nil on a libc too old
/// to have it, and callers say what they do then.
struct GNULibc: @unchecked Sendable {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32
    /// `prctl` is variadic in C, which Swift does not import; every option Baton uses takes
    /// plain integer arguments, passed as four `unsigned long`s like the kernel reads them.
    typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32

    /// glibc 2.9.
    let pipe2: Pipe2?
    /// glibc 2.29: the only way to give a spawned child its own working directory without a
    /// shell wrapper or changing Baton's (process-wide) one.
    let addChdir: AddChdir?
    /// glibc 2.34.
    let addClosefrom: AddClosefrom?
    /// glibc 2.36, Linux 5.3; nil also when the kernel or a seccomp filter refuses it.
    let pidfdOpen: PidfdOpen?
    /// Any glibc.
    let prctl: Prctl?

    static let shared = GNULibc()

    private init() {
        let handle = dlopen(nil, RTLD_NOW)
        func symbol<F>(_ name: String, as type: F.Type) -> F? {
            guard let handle, let address = dlsym(handle, name) else { return nil }
            return unsafeBitCast(address, to: type)
        }
        pipe2 = symbol("pipe2", as: Pipe2.self)
        addChdir = symbol("posix_spawn_file_actions_addchdir_np", as: AddChdir.self)
        addClosefrom = symbol("posix_spawn_file_actions_addclosefrom_np", as: AddClosefrom.self)
        prctl = symbol("prctl", as: Prctl.self)
        var pidfdOpen = symbol("pidfd_open", as: PidfdOpen.self)
        if let open = pidfdOpen {
            let probe = open(getpid(), 0)
            if probe >= 0 { close(probe) } else { pidfdOpen = nil }
        }
        self.pidfdOpen = pidfdOpen
    }

    /// A pipe whose both ends are close-on-exec from the start, so no process spawned
    /// concurrently by another thread can inherit them. Without `pipe2` the flag is set just
    /// after, with a small window only spawns that skip `closefrom` could hit.
    func closeOnExecPipe(nonBlocking: Bool = false) -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        if let pipe2 {
            guard pipe2(&fds, O_CLOEXEC | (nonBlocking ? O_NONBLOCK : 0)) == 0 else { return nil }
        } else {
            guard pipe(&fds) == 0 else { return nil }
            for fd in fds {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                if nonBlocking { _ = fcntl(fd, F_SETFL, O_NONBLOCK) }
            }
        }
        return (fds[0], fds[1])
    }
}
