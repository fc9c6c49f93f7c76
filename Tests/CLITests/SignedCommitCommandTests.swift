import BatonTestSupport
import Foundation
import GRDB
import Testing

/// `--verify-commits` from the command line: `reconcile --once` applies a signed commit and
/// rejects an unsigned one, `status` and `history` name the signer, and the flags are checked
/// before anything runs.
@Suite struct SignedCommitCommandTests {
    struct Signed {
        let scenario: ReconcilerScenario
        let alice: SSHSigningKey
        let allowedSigners: String

        init() throws {
            scenario = try ReconcilerScenario()
            alice = try SSHSigningKey.make(in: scenario.directory.url.path, name: "alice", principal: "alice@example.com")
            allowedSigners = scenario.directory.url.appendingPathComponent("allowed_signers").path
            try (try alice.allowedSignersLine() + "\n").write(toFile: allowedSigners, atomically: true, encoding: .utf8)
        }

        var flags: [String] { ["--verify-commits", "ssh", "--allowed-signers", allowedSigners] }

        func reconcile(_ extra: String...) throws -> BatonBinary.Result {
            try BatonBinary.run(["reconcile", "--once", "--repo", scenario.repo.path, "--state", scenario.state] + flags + extra)
        }
    }

    @Test func aSignedCommitIsAppliedAndItsSignerShown() throws {
        let s = try Signed()
        try s.scenario.repo.write("manifests/sales.json", s.scenario.pipeline("sales", cron: "0 2 * * *"))
        let commit = try s.scenario.repo.commit("Add sales", signedWith: .ssh(s.alice))
        let result = try s.reconcile()
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")

        let fingerprint = try s.alice.fingerprint()
        let status = try s.scenario.withState("status")
        #expect(status.stdout.contains("signed:    by alice@example.com (ssh ED25519 \(fingerprint))"), "\(status.stdout)")
        let json = try s.scenario.jsonObject(try s.scenario.withState("status", "--json"))
        let signer = ((json["live"] as? [String: Any])?["revision"] as? [String: Any])?["signer"] as? [String: Any]
        #expect(signer?["identity"] as? String == "alice@example.com")
        #expect(signer?["method"] as? String == "ssh")

        let history = try s.scenario.withState("history", "sales")
        #expect(history.stdout.contains("\(commit.prefix(12))"))
        #expect(history.stdout.contains("signed by alice@example.com (ssh ED25519 \(fingerprint))"), "\(history.stdout)")
        let versions = try s.scenario.jsonObject(try s.scenario.withState("history", "sales", "--json"))["versions"] as? [[String: Any]]
        #expect((versions?.first?["signer"] as? [String: Any])?["key"] as? String == "ED25519 \(fingerprint)")
    }

    @Test func anUnsignedCommitIsRejectedWithItsAuthorAndTheLiveOneStays() throws {
        let s = try Signed()
        try s.scenario.repo.write("manifests/sales.json", s.scenario.pipeline("sales", cron: "0 2 * * *"))
        let live = try s.scenario.repo.commit("Add sales", signedWith: .ssh(s.alice))
        #expect(try s.reconcile().status == 0)
        let unsigned = try s.scenario.moveSalesToThree()

        let result = try s.reconcile()
        #expect(result.status == 1, "a rejected commit fails the command: \(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("commit \(unsigned.prefix(7)):1:1: error: commit \(unsigned.prefix(7)) by Bo Chen <bo@example.com> (\"Run sales at 03:00\") is not signed; nothing of it was applied [unsigned-commit]"), "\(result.stdout)\(result.stderr)")

        let status = try s.scenario.withState("status")
        #expect(status.stdout.contains("live:      \(live.prefix(12))"))
        #expect(status.stdout.contains("attempted: \(unsigned.prefix(12)) by Bo Chen <bo@example.com>: rejected, 1 error"), "\(status.stdout)")
        let history = try s.scenario.withState("history", "sales")
        #expect(history.stdout.hasPrefix("sales: 1 version, active"))
    }

    @Test func reconcilingWithoutTheFlagsAfterVerifyingIsRefused() throws {
        let s = try Signed()
        try s.scenario.repo.write("manifests/sales.json", s.scenario.pipeline("sales", cron: "0 2 * * *"))
        try s.scenario.repo.commit("Add sales", signedWith: .ssh(s.alice))
        #expect(try s.reconcile().status == 0)
        try s.scenario.moveSalesToThree()
        let bare = try s.scenario.withSource("reconcile", "--once")
        #expect(bare.status == 1)
        #expect(bare.stderr.contains("--verify-commits none to stop verifying"), "\(bare.stderr)")
        let stop = try s.scenario.withSource("reconcile", "--once", "--verify-commits", "none")
        #expect(stop.status == 0, "\(stop.stdout)\(stop.stderr)")
    }

    /// The daemon follows the same policy: a signed commit goes live, an unsigned push is
    /// rejected (logged with the reason), and the signed pipelines keep their schedule.
    @Test func serveVerifiesEveryPass() throws {
        let s = try Signed()
        try s.scenario.repo.write("manifests/a.json", servedPipeline("a", every: "1h"))
        try s.scenario.repo.commit("Add a", signedWith: .ssh(s.alice))
        let serve = try ServeProcess(s.scenario).start(s.flags, interval: "1h")
        try serve.waitFor("a to be live") { try serve.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM pipeline WHERE state = 'active'") } == 1 }
        #expect(try serve.read { try String.fetchOne($0, sql: "SELECT signerIdentity FROM revision ORDER BY id DESC LIMIT 1") } == "alice@example.com")

        try s.scenario.repo.write("manifests/b.json", servedPipeline("b", every: "1h"))
        let unsigned = try s.scenario.repo.commit("Add b without signing", author: .bo)
        let now = try s.scenario.withState("reconcile", "--now")
        #expect(now.status == 1, "\(now.stdout)\(now.stderr)")
        #expect(now.stdout.contains("rejected"), "\(now.stdout)")
        try serve.waitFor("the rejection to be logged") {
            serve.logLines().contains { $0.message.contains("\(unsigned.prefix(7)) by Bo Chen <bo@example.com>") && $0.message.contains("[unsigned-commit]") }
        }
        #expect(try serve.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM pipeline WHERE name = 'b'") } == 0)
        #expect(try serve.stop() == 0)
    }

    @Test(arguments: [
        (["--verify-commits", "ssh"], "--verify-commits ssh needs --allowed-signers"),
        (["--verify-commits", "openpgp"], "--verify-commits openpgp needs --trusted-keys"),
        (["--verify-commits", "x509"], "--verify-commits must be ssh, openpgp or none"),
        (["--allowed-signers", "/etc/allowed"], "only apply with --verify-commits"),
        (["--verify-commits", "ssh", "--allowed-signers", "f", "--verify-mode", "every"], "--verify-mode must be head or all"),
        (["--verify-commits", "ssh", "--allowed-signers", "f", "--trusted-keys", "d"], "--trusted-keys is for --verify-commits openpgp"),
    ])
    func badFlagsAreUsageErrors(arguments: [String], message: String) throws {
        let scenario = try ReconcilerScenario()
        let result = try BatonBinary.run(["reconcile", "--once", "--repo", scenario.repo.path, "--state", scenario.state] + arguments)
        #expect(result.status == 2, "a usage error: \(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
