import Foundation
import Subprocess

/// Runs `ssh-keygen` or `gpgv` and collects what it said.
///
/// Through swift-subprocess, so waiting for the tool suspends instead of blocking a thread of
/// the cooperative pool, and with a deadline: a tool that hangs (a broken agent, a keyring on
/// a dead mount) fails the check instead of wedging the reconcile loop.
struct SignatureTool: Sendable {
    struct Output: Sendable {
        var exitCode: Int32?
        var standardOutput: String
        var standardError: String

        var succeeded: Bool { exitCode == 0 }
        /// What the tool said, for a message: its error output, else its output.
        var said: String {
            let text = standardError.isEmpty ? standardOutput : standardError
            return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "; ")
        }
    }

    /// The program's name, looked up on `PATH`.
    var program: String
    var deadline: Duration = .seconds(30)

    /// Runs the tool with `input` on its standard input and the C locale, so its messages are
    /// the ones this code reads.
    func run(_ arguments: [String], input: Data = Data()) async throws(GitError) -> Output {
        let program = self.program
        let deadline = self.deadline
        do {
            return try await withThrowingTaskGroup(of: Output?.self) { group in
                group.addTask {
                    let result = try await Subprocess.run(
                        .name(program), arguments: Arguments(arguments),
                        environment: .inherit.updating(["LC_ALL": "C", "LANG": "C"]),
                        input: .array(Array(input)), output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
                    let code: Int32? = if case .exited(let code) = result.terminationStatus { code } else { nil }
                    return Output(exitCode: code, standardOutput: result.standardOutput, standardError: result.standardError)
                }
                group.addTask {
                    try await Task.sleep(for: deadline)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let output = first else {
                    throw GitError(code: .verification, message: "\(program) did not finish within \(deadline)", step: .verifySignature)
                }
                return output
            }
        } catch let error as GitError {
            throw error
        } catch {
            throw GitError(code: .verification, message: "cannot run \(program) (is it installed? Debian: \(Self.package(of: program))): \(error)", step: .verifySignature)
        }
    }

    private static func package(of program: String) -> String {
        program == "gpgv" ? "gpgv" : "openssh-client"
    }
}

/// A private folder for the files a tool reads (a signature, a keyring), removed afterwards.
struct ScratchFolder: ~Copyable {
    let path: String

    init() throws(GitError) {
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("baton-verify-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw GitError(code: .verification, message: "cannot make a folder for the signature check under \(NSTemporaryDirectory()): \(String(cString: strerror(errno)))", step: .verifySignature)
        }
        path = String(cString: made)
    }

    deinit {
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            // A leftover folder of a few hundred bytes in the temporary directory; nothing
            // depends on it being gone.
        }
    }

    /// Writes `data` to a file of the folder, readable by this user only.
    func write(_ data: Data, named name: String) throws(GitError) -> String {
        let file = (path as NSString).appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: file, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw GitError(code: .verification, message: "cannot write \(file) for the signature check", step: .verifySignature)
        }
        return file
    }
}
