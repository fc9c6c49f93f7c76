import BatonGit
import BatonManifest
import BatonReconciler
import BatonStore
import BatonTestSupport
import Foundation
import Testing

/// `--verify-commits` through whole passes: a commit that fails is rejected whole and
/// recorded with its author and reason, the live commit stays live, and the signer of an
/// applied commit is kept on its revision.
@Suite struct ReconcilerSignedCommitTests {
    typealias H = ReconcilerHarness

    struct Keys {
        let alice: SSHSigningKey
        let mallory: SSHSigningKey
        let allowedSigners: String

        init(in h: H) throws {
            alice = try SSHSigningKey.make(in: h.temp.path, name: "alice", principal: "alice@example.com")
            mallory = try SSHSigningKey.make(in: h.temp.path, name: "mallory", principal: "mallory@example.com")
            allowedSigners = h.temp.sub("allowed_signers")
            try (try alice.allowedSignersLine() + "\n").write(toFile: allowedSigners, atomically: true, encoding: .utf8)
        }

        func policy(_ scope: CommitVerification.Scope = .head) -> CommitVerification {
            CommitVerification(trust: .ssh(allowedSigners: allowedSigners), scope: scope)
        }
    }

    static func verifying(_ h: inout H, _ keys: Keys, scope: CommitVerification.Scope = .head) {
        h.options.verification = keys.policy(scope)
    }

    @Test func anUnsignedCommitIsRejectedAndTheSignedOneStaysLive() async throws {
        var h = try H()
        let keys = try Keys(in: h)
        Self.verifying(&h, keys)
        try h.repo.write("manifests/sales.json", H.manifest("sales"))
        let good = try h.repo.commit("Add sales", signedWith: .ssh(keys.alice))
        let applied = try await h.pass()
        #expect(applied.outcome == .applied)
        #expect(applied.signer == CommitSigner(method: .ssh, identity: "alice@example.com", key: "ED25519 \(try keys.alice.fingerprint())"))
        #expect(try await h.store.revisions(limit: 1).first?.signer?.identity == "alice@example.com")

        try h.repo.write("manifests/sales.json", H.manifest("sales", cron: "0 5 * * *"))
        let bad = try h.repo.commit("Move sales, unsigned", author: .bo)
        let rejected = try await h.pass()
        #expect(rejected.outcome == .rejected)
        #expect(rejected.diagnostics.map(\.code) == [.unsignedCommit])
        #expect(rejected.diagnostics.first?.message.contains("Bo Chen <bo@example.com>") == true)
        #expect(rejected.signer == nil)

        let source = try #require(try await h.store.source())
        #expect(source.lastAppliedCommit == good, "the signed commit stays live")
        #expect(source.lastAttemptedCommit == bad)
        #expect(source.lastAttemptOutcome == .rejected)
        #expect(source.lastAttemptAuthor?.email == "bo@example.com")
        #expect(source.lastAttemptDiagnostics.map(\.code) == [.unsignedCommit])
        let revision = try #require(try await h.store.revisions(limit: 1).first)
        #expect(revision.commit.id == bad)
        #expect(revision.outcome == .rejected)
        #expect(revision.signer == nil)
        #expect(try await h.version("sales")?.commit.id == good, "nothing of the unsigned commit was applied")

        // Polling again repeats the verdict without checking or writing anything.
        let again = try await h.pass()
        #expect(again.alreadyJudged)
        #expect(again.outcome == .rejected)
        #expect(try await h.store.revisions(limit: 10).count == 2)
    }

    @Test func anUntrustedSignerIsRejectedUntilTheKeyIsAllowed() async throws {
        var h = try H()
        let keys = try Keys(in: h)
        Self.verifying(&h, keys)
        try h.repo.write("manifests/ops.json", H.manifest("ops"))
        try h.repo.commit("Add ops", signedWith: .ssh(keys.mallory))
        let rejected = try await h.pass()
        #expect(rejected.diagnostics.map(\.code) == [.untrustedSigner])
        #expect(try await h.store.source()?.lastAppliedCommit == nil)

        // Allowing Mallory's key changes the policy's fingerprint: the same commit is judged
        // again, now with a trusted signer.
        try (try keys.alice.allowedSignersLine() + "\n" + keys.mallory.allowedSignersLine() + "\n").write(toFile: keys.allowedSigners, atomically: true, encoding: .utf8)
        let applied = try await h.pass()
        #expect(!applied.alreadyJudged)
        #expect(applied.outcome == .applied)
        #expect(applied.signer?.identity == "mallory@example.com")
    }

    @Test func scopeAllRejectsASignedHeadOnTopOfAnUnsignedCommit() async throws {
        var h = try H()
        let keys = try Keys(in: h)
        Self.verifying(&h, keys, scope: .all)
        try h.repo.write("manifests/sales.json", H.manifest("sales"))
        let live = try h.repo.commit("Add sales", signedWith: .ssh(keys.alice))
        try await h.pass()

        try h.repo.write("manifests/sales.json", H.manifest("sales", cron: "0 6 * * *"))
        let unsigned = try h.repo.commit("Sneak a change in", author: .cy)
        try h.repo.write("manifests/ops.json", H.manifest("ops"))
        try h.repo.commit("Add ops", signedWith: .ssh(keys.alice))
        let rejected = try await h.pass()
        #expect(rejected.outcome == .rejected)
        #expect(rejected.diagnostics.count == 1)
        #expect(rejected.diagnostics.first?.message.contains(String(unsigned.prefix(7))) == true)
        #expect(try await h.store.source()?.lastAppliedCommit == live)
        #expect(try await h.state("ops") == nil)

        // The same history under scope head applies: only the head is checked.
        Self.verifying(&h, keys, scope: .head)
        #expect(try await h.pass().outcome == .applied)
    }

    @Test func aPassWithoutThePolicyRefusesToFollowAVerifiedSource() async throws {
        var h = try H()
        let keys = try Keys(in: h)
        Self.verifying(&h, keys)
        try h.repo.write("manifests/sales.json", H.manifest("sales"))
        let live = try h.repo.commit("Add sales", signedWith: .ssh(keys.alice))
        try await h.pass()

        try h.repo.write("manifests/sales.json", H.manifest("sales", cron: "0 7 * * *"))
        try h.repo.commit("Unsigned change")
        h.options.verification = nil
        let error = await #expect(throws: ReconcileError.self) { try await h.pass() }
        #expect(error?.code == "verification-required")
        #expect(error?.stage == .verify)
        #expect(try await h.store.source()?.lastAppliedCommit == live, "nothing applied")

        // `--verify-commits none` says so on purpose.
        h.options.stopVerifying = true
        #expect(try await h.pass().outcome == .applied)
        #expect(try await h.store.source()?.verification == nil)
        h.options.stopVerifying = false
        #expect(try await h.pass().alreadyJudged, "a source no longer verified needs no flag")
    }

    @Test func anUnreadableTrustListFailsThePassAndAppliesNothing() async throws {
        var h = try H()
        h.options.verification = CommitVerification(trust: .ssh(allowedSigners: h.temp.sub("missing")))
        try h.repo.write("manifests/sales.json", H.manifest("sales"))
        try h.repo.commit("Add sales")
        let error = await #expect(throws: ReconcileError.self) { try await h.pass() }
        #expect(error?.code == "verification")
        #expect(error?.isTransient == false)
        #expect(try await h.store.source()?.lastAppliedCommit == nil)
        #expect(try await h.state("sales") == nil)
    }
}
