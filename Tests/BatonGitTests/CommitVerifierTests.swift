import BatonTestSupport
import BatonGit
import Foundation
import Testing

/// Commit signatures made by the real tools (`git commit -S` with `ssh-keygen` and `gpg`)
/// and checked by the real tools (`ssh-keygen -Y`, `gpgv`): good, bad, unknown signer,
/// unsigned, the other kind of key, and the `all` scope.
@Suite struct CommitVerifierTests {
    /// A repository, Alice's trusted key and Mallory's untrusted one.
    struct SSHFixture {
        let directory: TemporaryDirectory
        let repository: FixtureRepository
        let alice: SSHSigningKey
        let mallory: SSHSigningKey
        let allowedSigners: String

        init() throws {
            directory = try TemporaryDirectory()
            repository = try FixtureRepository(at: directory.sub("repo"))
            alice = try SSHSigningKey.make(in: directory.path, name: "alice", principal: "alice@example.com")
            mallory = try SSHSigningKey.make(in: directory.path, name: "mallory", principal: "mallory@example.com")
            allowedSigners = directory.sub("allowed_signers")
            try (try alice.allowedSignersLine() + "\n").write(toFile: allowedSigners, atomically: true, encoding: .utf8)
        }

        var policy: CommitVerification { CommitVerification(trust: .ssh(allowedSigners: allowedSigners)) }

        func verdict(_ head: String, live: String? = nil, scope: CommitVerification.Scope = .head) async throws -> CommitVerdict {
            try await CommitVerifierTests.verdict(CommitVerification(trust: policy.trust, scope: scope), repository: repository, head: head, live: live)
        }
    }

    static func verdict(_ policy: CommitVerification, repository: FixtureRepository, head: String, live: String? = nil) async throws -> CommitVerdict {
        let verifier = CommitVerifier(policy: policy)
        let signatures = try verifier.signatures(in: try GitRepository(path: repository.path), head: GitObjectID(hex: head)!, live: live.flatMap(GitObjectID.init(hex:)))
        return try await verifier.verdict(on: signatures)
    }

    static func rejections(_ verdict: CommitVerdict) -> [SignatureRejection] {
        if case .rejected(let rejections) = verdict { return rejections }
        return []
    }

    @Test func aGoodSSHSignatureByAnAllowedSignerIsTrusted() async throws {
        let f = try SSHFixture()
        let head = try f.repository.commit("signed", signedWith: .ssh(f.alice))
        let verdict = try await f.verdict(head)
        #expect(verdict == .trusted(SignatureCheck.Signer(format: .ssh, identity: "alice@example.com", key: "ED25519 \(try f.alice.fingerprint())")))
    }

    @Test func anUnsignedCommitIsRejectedNamingItsAuthor() async throws {
        let f = try SSHFixture()
        let head = try f.repository.commit("not signed", author: .bo)
        let rejections = Self.rejections(try await f.verdict(head))
        #expect(rejections.map(\.reason) == [.unsigned])
        let diagnostic = try #require(rejections.first?.diagnostic)
        #expect(diagnostic.code == .unsignedCommit)
        #expect(diagnostic.message.contains("Bo Chen <bo@example.com>"))
        #expect(diagnostic.message.contains("\"not signed\""))
        #expect(diagnostic.file == "commit \(head.prefix(7))")
    }

    @Test func aSignatureByAKeyNotListedIsAnUntrustedSigner() async throws {
        let f = try SSHFixture()
        let head = try f.repository.commit("by mallory", signedWith: .ssh(f.mallory))
        let rejections = Self.rejections(try await f.verdict(head))
        #expect(rejections.map(\.reason) == [.untrustedSigner])
        let message = try #require(rejections.first?.diagnostic.message)
        #expect(message.contains(try f.mallory.fingerprint()), "the unknown key is named: \(message)")
        #expect(rejections.first?.diagnostic.code == .untrustedSigner)
    }

    @Test func aCommitChangedAfterSigningHasABadSignature() async throws {
        let f = try SSHFixture()
        let signed = try f.repository.commit("signed", signedWith: .ssh(f.alice))
        let forged = try f.repository.tampered(signed, message: "signed, then changed")
        let rejections = Self.rejections(try await f.verdict(forged))
        #expect(rejections.map(\.reason) == [.badSignature])
        #expect(rejections.first?.diagnostic.code == .badSignature)
    }

    @Test func anOpenPGPSignatureIsRefusedWhereSSHIsRequired() async throws {
        let f = try SSHFixture()
        let pgp = try OpenPGPSigningKey.make(in: f.directory.path, name: "gnupg", userID: "Alice <alice@example.com>")
        defer { pgp.stopAgent() }
        let head = try f.repository.commit("pgp", signedWith: .openpgp(pgp))
        let rejections = Self.rejections(try await f.verdict(head))
        #expect(rejections.map(\.reason) == [.wrongFormat])
        #expect(rejections.first?.detail.contains("OpenPGP key") == true)
    }

    @Test func scopeAllChecksEveryFirstParentCommitSinceTheLiveOne() async throws {
        let f = try SSHFixture()
        let live = try f.repository.commit("live", signedWith: .ssh(f.alice))
        let sneaked = try f.repository.commit("unsigned in between", author: .cy)
        let head = try f.repository.commit("signed on top", signedWith: .ssh(f.alice))

        guard case .trusted = try await f.verdict(head, live: live, scope: .head) else {
            Issue.record("scope head checks only the head, which is signed")
            return
        }
        let rejections = Self.rejections(try await f.verdict(head, live: live, scope: .all))
        #expect(rejections.map(\.commit.id.hex) == [sneaked])
        #expect(rejections.first?.diagnostic.message.contains("Cy Okafor") == true)
        // Nothing live yet: only the head is checked, not the whole history.
        guard case .trusted = try await f.verdict(head, live: nil, scope: .all) else {
            Issue.record("with nothing live, scope all checks the head alone")
            return
        }
    }

    @Test func scopeAllReportsEveryBadCommitAtOnce() async throws {
        let f = try SSHFixture()
        let live = try f.repository.commit("live", signedWith: .ssh(f.alice))
        let first = try f.repository.commit("unsigned one")
        let second = try f.repository.commit("mallory's", signedWith: .ssh(f.mallory))
        let rejections = Self.rejections(try await f.verdict(second, live: live, scope: .all))
        #expect(rejections.map(\.commit.id.hex) == [first, second])
        #expect(rejections.map(\.reason) == [.unsigned, .untrustedSigner])
    }

    @Test func aMissingAllowedSignersFileIsASetUpErrorNotAVerdict() async throws {
        let f = try SSHFixture()
        let head = try f.repository.commit("signed", signedWith: .ssh(f.alice))
        let missing = CommitVerification(trust: .ssh(allowedSigners: f.directory.sub("nope")))
        let error = #expect(throws: GitError.self) { try missing.fingerprint() }
        #expect(error?.code == .verification)
        #expect(error?.message.contains(f.directory.sub("nope")) == true)
        // The tool itself reports the missing file: no verdict either way.
        await #expect(throws: GitError.self) { _ = try await Self.verdict(missing, repository: f.repository, head: head) }
    }

    @Test func theFingerprintFollowsTheAllowedSigners() throws {
        let f = try SSHFixture()
        let before = try f.policy.fingerprint()
        #expect(try f.policy.fingerprint() == before)
        #expect(try CommitVerification(trust: f.policy.trust, scope: .all).fingerprint() != before)
        try (try f.alice.allowedSignersLine() + "\n" + f.mallory.allowedSignersLine() + "\n").write(toFile: f.allowedSigners, atomically: true, encoding: .utf8)
        #expect(try f.policy.fingerprint() != before)
    }

    // MARK: OpenPGP

    struct OpenPGPFixture {
        let directory: TemporaryDirectory
        let repository: FixtureRepository
        let alice: OpenPGPSigningKey
        let mallory: OpenPGPSigningKey
        let trustedKeys: String

        init(armored: Bool = true) throws {
            directory = try TemporaryDirectory()
            repository = try FixtureRepository(at: directory.sub("repo"))
            alice = try OpenPGPSigningKey.make(in: directory.path, name: "alice", userID: "Alice Signer <alice@example.com>")
            mallory = try OpenPGPSigningKey.make(in: directory.path, name: "mallory", userID: "Mallory <mallory@example.com>")
            trustedKeys = directory.sub("trusted")
            try FileManager.default.createDirectory(atPath: trustedKeys, withIntermediateDirectories: true)
            try alice.export(armored: armored).write(to: URL(fileURLWithPath: "\(trustedKeys)/alice.\(armored ? "asc" : "gpg")"))
        }

        func stop() {
            alice.stopAgent()
            mallory.stopAgent()
        }

        func verdict(_ head: String) async throws -> CommitVerdict {
            try await CommitVerifierTests.verdict(CommitVerification(trust: .openpgp(trustedKeys: trustedKeys)), repository: repository, head: head)
        }
    }

    @Test(arguments: [true, false])
    func aGoodOpenPGPSignatureByATrustedKeyIsTrusted(armored: Bool) async throws {
        let f = try OpenPGPFixture(armored: armored)
        defer { f.stop() }
        let head = try f.repository.commit("signed", signedWith: .openpgp(f.alice))
        #expect(try await f.verdict(head) == .trusted(SignatureCheck.Signer(format: .openpgp, identity: "Alice Signer <alice@example.com>", key: f.alice.fingerprint)))
    }

    @Test func openPGPUnknownKeyBadSignatureAndUnsigned() async throws {
        let f = try OpenPGPFixture()
        defer { f.stop() }
        let byMallory = try f.repository.commit("mallory", signedWith: .openpgp(f.mallory))
        let unknown = Self.rejections(try await f.verdict(byMallory))
        #expect(unknown.map(\.reason) == [.untrustedSigner])
        #expect(unknown.first?.detail.contains(String(f.mallory.fingerprint.suffix(16))) == true, "names the key: \(unknown.first?.detail ?? "")")

        let signed = try f.repository.commit("alice", signedWith: .openpgp(f.alice))
        let forged = try f.repository.tampered(signed, message: "alice, changed")
        #expect(Self.rejections(try await f.verdict(forged)).map(\.reason) == [.badSignature])

        let plain = try f.repository.commit("plain")
        #expect(Self.rejections(try await f.verdict(plain)).map(\.reason) == [.unsigned])
    }

    @Test func anEmptyTrustedKeysFolderIsASetUpError() async throws {
        let f = try OpenPGPFixture()
        defer { f.stop() }
        let empty = f.directory.sub("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: "\(empty)/.gitkeep"))
        let error = #expect(throws: GitError.self) { try CommitVerification(trust: .openpgp(trustedKeys: empty)).fingerprint() }
        #expect(error?.code == .verification)
        #expect(error?.message.contains("holds no key file") == true)
    }

    @Test func aFileThatIsNotAKeyIsNamed() async throws {
        let f = try OpenPGPFixture()
        defer { f.stop() }
        try "not a key\n".write(toFile: "\(f.trustedKeys)/notes.txt", atomically: true, encoding: .utf8)
        let head = try f.repository.commit("signed", signedWith: .openpgp(f.alice))
        let error = await #expect(throws: GitError.self) { _ = try await f.verdict(head) }
        #expect(error?.message.contains("notes.txt") == true)
    }
}
