#if canImport(Glibc)
import Glibc
#endif

/// A started child: its pid (also its process group id) and the read ends of its output.
///
/// Started with `posix_spawn` rather than `Foundation.Process` because the executor's budget
/// is "little more than starting the process": no extra threads, no signal handlers, no
/// inherited environment, and the exact file descriptors and process group we ask for.
struct ChildProcess {
    var pid: pid_t
    var stdout: Int32
    var stderr: Int32

    /// Spawns the command in a new process group with exactly `spec.environment`, stdin from
    /// `/dev/null`, and no file descriptor of Baton's other than the two pipes.
    ///
    /// With a task user, the program is started through `setpriv`, which drops to that user
    /// and then executes it in the same process (same pid and group, same descriptors).
    static func spawn(_ spec: ProcessSpec) throws(EngineError) -> ChildProcess {
        var (program, arguments) = try resolve(spec)
        if let user = spec.user {
            guard let launched = user.launch(program, arguments: arguments.dropFirst()) else {
                throw EngineError(.taskUser, "cannot run as task user \(user.name): setpriv (util-linux) was not found")
            }
            (program, arguments) = launched
        }

        let libc = GNULibc.shared
        guard let addChdir = libc.addChdir else {
            throw EngineError(.spawn, "this C library lacks posix_spawn_file_actions_addchdir_np (glibc 2.29 or later is needed)")
        }
        // Close-on-exec: a process spawned concurrently by another task must not inherit our
        // write ends, or our reader would wait for *its* exit before seeing end of file.
        guard let outPipe = libc.closeOnExecPipe() else { throw EngineError(.spawn, "cannot create a pipe: \(lastError())") }
        guard let errPipe = libc.closeOnExecPipe() else {
            let message = lastError()
            close(outPipe.read); close(outPipe.write)
            throw EngineError(.spawn, "cannot create a pipe: \(message)")
        }
        defer { close(outPipe.write); close(errPipe.write) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe.write, 2)
        _ = addChdir(&actions, spec.workingDirectory)
        // Libraries in Baton may open descriptors without O_CLOEXEC (sockets, the database);
        // closing everything above stderr keeps them out of tasks whatever they do.
        _ = libc.addClosefrom?(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own group so timeouts and cancellation reach grandchildren with kill(-pgid).
        posix_spawnattr_setpgroup(&attributes, 0)
        // Default dispositions and an empty mask: Baton (or a library in it) ignores SIGPIPE,
        // and an ignored SIGPIPE inherited by `producer | head` would keep the producer alive.
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var pid: pid_t = 0
        let argv = CStringArray(arguments)
        let envp = CStringArray(spec.environment.map { "\($0.key)=\($0.value)" })
        defer { argv.free(); envp.free() }
        let result = posix_spawn(&pid, program, &actions, &attributes, argv.pointers, envp.pointers)
        guard result == 0 else {
            close(outPipe.read); close(errPipe.read)
            throw EngineError(.spawn, "cannot start \(program) in \(spec.workingDirectory): \(String(cString: strerror(result)))")
        }
        // Only our end is non-blocking: the child's must block like any ordinary stdout.
        _ = fcntl(outPipe.read, F_SETFL, O_NONBLOCK)
        _ = fcntl(errPipe.read, F_SETFL, O_NONBLOCK)
        return ChildProcess(pid: pid, stdout: outPipe.read, stderr: errPipe.read)
    }

    /// The program to execute and its argv. Checked here, before spawning, so that the error
    /// says which of the program or the working directory is missing (`posix_spawn` answers
    /// ENOENT for both).
    static func resolve(_ spec: ProcessSpec) throws(EngineError) -> (String, [String]) {
        var info = stat()
        guard stat(spec.workingDirectory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw EngineError(.spawn, "working directory \(spec.workingDirectory) does not exist or is not a directory")
        }
        switch spec.command {
        case .shell(let script):
            return ("/bin/sh", ["/bin/sh", "-c", script])
        case .arguments(let arguments):
            guard let name = arguments.first, !name.isEmpty else {
                throw EngineError(.spawn, "the command has no program: its argument list is empty")
            }
            if name.contains("/") {
                let path = name.hasPrefix("/") ? name : spec.workingDirectory + "/" + name
                guard isExecutableFile(path) else {
                    throw EngineError(.spawn, "program \(name) does not exist or is not executable (in \(spec.workingDirectory))")
                }
                return (path, arguments)
            }
            // The child's PATH, not Baton's: the task must find what its own environment says.
            let searchPath = spec.environment["PATH"] ?? "/usr/bin:/bin"
            for folder in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
                let candidate = (folder.isEmpty ? spec.workingDirectory : String(folder)) + "/" + name
                if isExecutableFile(candidate) { return (candidate, arguments) }
            }
            throw EngineError(.spawn, "program \(name) was not found in PATH \(searchPath)")
        }
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && access(path, X_OK) == 0
    }
}

/// A NULL-terminated `char *[]` for `posix_spawn`, freed explicitly once the call returns.
private struct CStringArray {
    var pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) {
        pointers = strings.map { strdup($0) }
        pointers.append(nil)
    }

    func free() { for pointer in pointers { Glibc.free(pointer) } }
}

func lastError() -> String { String(cString: strerror(errno)) }
