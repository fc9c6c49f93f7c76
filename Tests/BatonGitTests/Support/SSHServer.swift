import BatonTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real OpenSSH `sshd` on 127.0.0.1, run as the current user with its own host key,
/// client key pair and config in a temporary directory, for the SSH tests. Each test starts
/// its own on a free port and stops it; the system sshd is never involved.
///
/// Started with `posix_spawn`, not `Process`: sshd closes every inherited descriptor at
/// startup, including the socket Foundation watches to learn that a child exited, and
/// Foundation then blocks its one child-reaping thread in `waitpid` on the still-running
/// sshd, so every later `Process` in the test binary hangs.
final class SSHServer {
    let port: UInt16
    let directory: String
    private let pid: pid_t
    private var exited = false

    /// The server's host key (`hostkey.pub`), the client key Baton offers (`client`,
    /// authorised) and a key the server does not know (`stranger`).
    var hostPublicKey: String { "\(directory)/hostkey.pub" }
    var clientKey: String { "\(directory)/client" }
    var strangerKey: String { "\(directory)/stranger" }

    init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Debian's sshd refuses to start without its privilege separation directory.
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        for name in ["hostkey", "client", "stranger"] {
            try Shell.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", "\(directory)/\(name)"])
        }
        try FileManager.default.copyItem(atPath: "\(directory)/client.pub", toPath: "\(directory)/authorized_keys")

        var lastError: Error?
        // A port found free can be taken before sshd binds it; retry with another.
        for _ in 0..<5 {
            let port = try FreePort.find()
            let config = "\(directory)/sshd_config"
            try Data("""
                Port \(port)
                ListenAddress 127.0.0.1
                HostKey \(directory)/hostkey
                AuthorizedKeysFile \(directory)/authorized_keys
                PidFile \(directory)/sshd.pid
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PubkeyAuthentication yes
                UsePAM no
                StrictModes no
                PermitRootLogin yes
                LogLevel VERBOSE

                """.utf8).write(to: URL(fileURLWithPath: config))
            // The log is kept beside the config for whoever debugs a failing test.
            let pid = try Self.spawn(["/usr/sbin/sshd", "-D", "-e", "-f", config], log: "\(directory)/sshd.log")
            var exited = false
            let alive = {
                var status: Int32 = 0
                if !exited, waitpid(pid, &status, WNOHANG) != 0 { exited = true }
                return !exited
            }
            if FreePort.waitUntilAccepting(port: port, timeout: 10, while: alive) {
                self.port = port
                self.pid = pid
                return
            }
            if !exited {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
            lastError = Shell.Failure(command: "sshd -f \(config)", status: -1, output: "did not start; see \(directory)/sshd.log")
        }
        throw lastError!
    }

    private static func spawn(_ arguments: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL) }
        return pid
    }

    /// `ssh://<user>@127.0.0.1:<port><absolute path>`.
    func url(_ absolutePath: String, user: String = "root") -> String { "ssh://\(user)@127.0.0.1:\(port)\(absolutePath)" }

    /// The server's host key as a known_hosts line for `[127.0.0.1]:port`.
    func knownHostsLine(name: String? = nil) throws -> String {
        let fields = try String(contentsOfFile: hostPublicKey, encoding: .utf8).split(separator: " ")
        return "\(name ?? "[127.0.0.1]:\(port)") \(fields[0]) \(fields[1])"
    }

    /// `SHA256:...` as `ssh-keygen -lf hostkey.pub` prints it.
    func hostKeyFingerprint() throws -> String {
        let output = try Shell.run("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", hostPublicKey])
        return String(output.split(separator: " ")[1])
    }

    /// SIGTERM, then waits for sshd to exit, so no listener outlives the test.
    func stop() {
        guard !exited else { return }
        exited = true
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    deinit { stop() }
}
