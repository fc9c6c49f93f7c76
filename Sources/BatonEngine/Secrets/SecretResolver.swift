import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the value of a secret a manifest names, at run time, so secret values never have to
/// live in Git (DESIGN decision 8).
///
/// Two sources, in this order:
/// 1. `<state>/secrets/NAME`, a file only Baton's user may read. Anything looser than 0600 is
///    refused rather than used: a secret others can read is already leaked, and failing loudly
///    is the only way the operator finds out.
/// 2. `BATON_SECRET_<NAME>` in Baton's own environment (NAME upper-cased, `-` and `.` as `_`),
///    for systemd credentials, containers and CI where writing a file is awkward.
///
/// The environment is injected so tests (and embedders) need not touch the process's own.
public struct SecretResolver: Sendable {
    /// Where secret files live: `<state>/secrets`.
    public let secretsDirectory: String
    private let environment: [String: String]

    /// - Parameters:
    ///   - stateDirectory: Baton's state directory; secret files are looked up in its
    ///     `secrets` folder.
    ///   - environment: Baton's own environment, searched for `BATON_SECRET_<NAME>`; by
    ///     default the copy the CLI captured at start (see `useCapturedEnvironment`).
    public init(stateDirectory: String, environment: [String: String] = SecretResolver.launchEnvironment) {
        self.secretsDirectory = (stateDirectory as NSString).appendingPathComponent("secrets")
        self.environment = environment
    }

    private static let captured = Mutex<[String: String]?>(nil)

    /// Hands over the environment the CLI copied at start before removing every
    /// `BATON_SECRET_*` from the process (`ProcessHardening.takeCredentialEnvironment`), so a
    /// task cannot read secrets through `/proc/$PPID/environ` while Baton still can.
    public static func useCapturedEnvironment(_ environment: [String: String]) {
        captured.withLock { $0 = environment }
    }

    /// The captured copy, or the live process environment when none was handed over
    /// (embedders and tests).
    public static var launchEnvironment: [String: String] {
        captured.withLock { $0 } ?? ProcessInfo.processInfo.environment
    }

    /// The environment variable that may hold secret `name`: upper-cased, with `-` and `.`
    /// turned into `_` because neither is portable in a variable name.
    public static func environmentName(for name: String) -> String {
        "BATON_SECRET_" + String(name.uppercased().map { $0 == "-" || $0 == "." ? "_" : $0 })
    }

    /// The value of secret `name`.
    ///
    /// A file wins over the environment, and a file with loose permissions is an error, not a
    /// reason to fall back: silently using another source would hide the exposed file. One
    /// trailing newline is dropped from a file's contents because editors and `echo` add it.
    ///
    /// - Throws: `EngineError(.secret, …)` when the name is unusable, the file is refused or
    ///   unreadable, or neither source has the secret; the message names the secret and the
    ///   places looked, and says how to fix a loose file.
    public func resolve(_ name: String) throws(EngineError) -> String {
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.contains("\0") else {
            throw EngineError(.secret, "secret name \"\(name)\" is not usable as a file name in \(secretsDirectory); use letters, digits, '-', '_' or '.'")
        }
        let path = (secretsDirectory as NSString).appendingPathComponent(name)
        if let value = try readFile(path, name: name) { return value }
        let variable = Self.environmentName(for: name)
        if let value = environment[variable] { return value }
        throw EngineError(.secret, "secret \"\(name)\" not found: no file \(path) and no \(variable) in Baton's environment")
    }

    /// `0644`: how `ls -l` users and `chmod` spell a mode.
    private static func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The file's value, `nil` when there is no file, or an error when it exists but may not
    /// or cannot be used.
    private func readFile(_ path: String, name: String) throws(EngineError) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw EngineError(.secret, "secret \"\(name)\": cannot inspect \(path): \(String(cString: strerror(code)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw EngineError(.secret, "secret \"\(name)\": \(path) is not a regular file; put the value in a plain file with mode 0600")
        }
        let mode = info.st_mode & 0o7777
        guard mode & 0o077 == 0 else {
            throw EngineError(.secret, "secret \"\(name)\": \(path) has mode \(Self.octal(mode)), readable beyond its owner; run `chmod 600 \(path)`")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EngineError(.secret, "secret \"\(name)\": cannot read \(path); it must be readable by the user Baton runs as")
        }
        guard var value = String(data: data, encoding: .utf8) else {
            throw EngineError(.secret, "secret \"\(name)\": \(path) is not UTF-8 text")
        }
        // "\r\n" is a single Character, so removing the last one drops a CRLF whole.
        if value.last == "\n" || value.last == "\r\n" {
            value.removeLast()
        }
        return value
    }
}
