#if canImport(Glibc)
import Glibc
#endif

/// What the Baton process does to itself at start so that the tasks it runs cannot read its
/// credentials out of it.
///
/// A task's environment is built from nothing (`ProcessSpec.environment`), but the task can
/// still look at its parent: `/proc/$PPID/environ` shows the environment Baton was started
/// with (`BATON_GIT_TOKEN`, every `BATON_SECRET_*`), and `/proc/$PPID/mem` its memory. Two
/// steps close that:
/// - `takeCredentialEnvironment()` copies the environment into memory, removes the credential
///   variables and overwrites their text in place, since `/proc/<pid>/environ` reads the
///   block the process was started with, which `unsetenv` leaves untouched;
/// - `closeToTasks()` makes the process non-dumpable, so its `/proc/<pid>/` files belong to
///   root and the kernel refuses `environ`, `mem` and ptrace to any process without
///   `CAP_SYS_PTRACE`: every task of a non-root Baton, and every task run as a `--task-user`.
///
/// A task running as root can still read anything of a root Baton; see docs/operations.md
/// ("Security model").
public enum ProcessHardening {
    /// Variables that may hold credentials: Git's (`BATON_GIT_TOKEN`, `BATON_GIT_PASSWORD`,
    /// `BATON_GIT_SSH_PASSPHRASE`, …) and secrets (`BATON_SECRET_<NAME>`).
    public static let credentialPrefixes = ["BATON_GIT_", "BATON_SECRET_"]

    private static let setDumpable: Int32 = 4  // PR_SET_DUMPABLE
    private static let getDumpable: Int32 = 3  // PR_GET_DUMPABLE

    /// Makes this process non-dumpable (`PR_SET_DUMPABLE` 0). Children are not affected:
    /// `execve` makes every task dumpable again, as any program is.
    ///
    /// - Throws: `EngineError(.spawn)` when the kernel refuses, so Baton does not run tasks
    ///   believing its files are closed when they are not.
    public static func closeToTasks() throws(EngineError) {
        guard let prctl = GNULibc.shared.prctl else {
            throw EngineError(.spawn, "cannot make Baton non-dumpable: this C library has no prctl")
        }
        guard prctl(setDumpable, 0, 0, 0, 0) == 0 else {
            throw EngineError(.spawn, "cannot make Baton non-dumpable (PR_SET_DUMPABLE): \(lastError())")
        }
    }

    /// Whether this process is dumpable (its `/proc` files readable by its own uid).
    public static var isDumpable: Bool {
        guard let prctl = GNULibc.shared.prctl else { return true }
        return prctl(getDumpable, 0, 0, 0, 0) != 0
    }

    /// The whole environment as it is now, after which every variable whose name starts with
    /// one of `prefixes` is gone from the process: removed with `unsetenv` and its text
    /// (name and value) overwritten with zero bytes where it lies, so neither `getenv`,
    /// child processes nor `/proc/<pid>/environ` see it again.
    ///
    /// Call it first thing in `main`, before any other thread exists: the environment is
    /// process-wide and `unsetenv` is not safe beside a concurrent `getenv`. Whoever needs a
    /// credential reads it from the returned copy (`GitCredentials.fromEnvironment`, and
    /// `SecretResolver`, once given it).
    public static func takeCredentialEnvironment(prefixes: [String] = credentialPrefixes) -> [String: String] {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "environ") else { return [:] }
        let environ = symbol.assumingMemoryBound(to: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?.self)
        guard let entries = environ.pointee else { return [:] }
        var captured: [String: String] = [:]
        var names: [String] = []
        var texts: [(UnsafeMutablePointer<CChar>, Int)] = []
        var index = 0
        while let entry = entries[index] {
            index += 1
            let text = String(cString: entry)
            guard let equals = text.firstIndex(of: "=") else { continue }
            let name = String(text[..<equals])
            // Like getenv: the first of two entries with one name wins.
            if captured[name] == nil { captured[name] = String(text[text.index(after: equals)...]) }
            if prefixes.contains(where: { name.hasPrefix($0) }) {
                names.append(name)
                texts.append((entry, strlen(entry)))
            }
        }
        // unsetenv only drops the pointers; the text is erased after, once nothing points to it.
        for name in Set(names) { unsetenv(name) }
        for (text, count) in texts { memset(text, 0, count) }
        return captured
    }
}
