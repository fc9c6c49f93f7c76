import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real `git daemon` on 127.0.0.1 serving a base directory over `git://`, for the tests
/// that must cross a socket. Each test starts its own on a free port and stops it.
public final class GitDaemon {
    public let port: UInt16
    public let basePath: String
    private let process: Process

    public init(basePath: String) throws {
        self.basePath = basePath
        var lastError: Error?
        // A port found free can be taken before the daemon binds it; retry with another.
        for _ in 0..<5 {
            let port = try FreePort.find()
            let process = Process()
            // git-daemon itself, not the `git daemon` wrapper, so the pid we stop is the
            // listener and no orphan keeps the port.
            process.executableURL = URL(fileURLWithPath: "/usr/lib/git-core/git-daemon")
            process.arguments = [
                "--export-all", "--reuseaddr", "--informative-errors", "--listen=127.0.0.1", "--port=\(port)",
                "--base-path=\(basePath)", basePath,
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if FreePort.waitUntilAccepting(port: port, timeout: 10, while: { process.isRunning }) {
                self.port = port
                self.process = process
                return
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            lastError = Shell.Failure(command: "git daemon --port=\(port)", status: process.terminationStatus, output: "did not start")
        }
        throw lastError!
    }

    public func url(_ repository: String) -> String { "git://127.0.0.1:\(port)/\(repository)" }

    public func stop() {
        // SIGKILL: nothing to flush, and git-daemon's own SIGTERM handling waits for clients.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

public enum FreePort {
    /// Binds port 0 on loopback, reads the port the kernel chose, and closes the socket.
    public static func find() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        let named = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        guard named == 0 else { throw POSIXError(.EINVAL) }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Polls until something accepts connections on the port (true), the deadline passes or
    /// `alive` turns false (false).
    public static func waitUntilAccepting(port: UInt16, timeout: TimeInterval, while alive: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, alive() {
            if canConnect(port: port) { return true }
            usleep(10_000)
        }
        return false
    }

    public static func canConnect(port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        return rc == 0
    }
}
