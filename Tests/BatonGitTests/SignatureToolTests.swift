@testable import BatonGit
import Foundation
import Testing

/// The runner of `ssh-keygen` and `gpgv`: a tool that hangs fails the check at its deadline
/// instead of wedging the reconcile loop, and a tool that is missing says how to install it.
@Suite struct SignatureToolTests {
    @Test func aToolThatHangsFailsAtItsDeadline() async throws {
        let tool = SignatureTool(program: "sleep", deadline: .milliseconds(200))
        let started = ContinuousClock.now
        let error = await #expect(throws: GitError.self) { _ = try await tool.run(["30"]) }
        #expect(error?.code == .verification)
        #expect(error?.message.contains("did not finish within") == true, "\(error?.message ?? "")")
        #expect(ContinuousClock.now - started < .seconds(20), "the deadline ended it, not the sleep")
    }

    @Test func aMissingToolNamesItsPackage() async throws {
        let error = await #expect(throws: GitError.self) { _ = try await SignatureTool(program: "gpgv-not-installed").run([]) }
        #expect(error?.code == .verification)
        #expect(error?.message.contains("cannot run gpgv-not-installed") == true, "\(error?.message ?? "")")
    }

    @Test func outputAndExitCodeComeBack() async throws {
        let output = try await SignatureTool(program: "sh").run(["-c", "cat; echo oops >&2; exit 3"], input: Data("hello\n".utf8))
        #expect(output.exitCode == 3)
        #expect(output.standardOutput == "hello\n")
        #expect(output.said == "oops")
    }
}
