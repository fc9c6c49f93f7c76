@testable import BatonGit
import BatonTestSupport
import Crypto
import Foundation
import Testing

@Suite struct SSHKnownHostsTests {
    /// A syntactically valid ed25519 blob: type string, then 32 key bytes.
    private static func key(_ fill: UInt8, type: String = "ssh-ed25519") -> SSHHostKey {
        var blob = Data([0, 0, 0, UInt8(type.utf8.count)]) + Data(type.utf8)
        blob += Data([0, 0, 0, 32]) + Data(repeating: fill, count: 32)
        return SSHHostKey(blob: blob)!
    }

    private static func line(_ hosts: String, _ key: SSHHostKey) -> String {
        "\(hosts) \(key.type) \(key.blob.base64EncodedString())"
    }

    private let good = key(1)
    private let other = key(2)

    @Test func matchesPlainBracketedAndPatternNames() {
        let file = SSHKnownHosts(path: "kh", contents: """
            # comment
            \(Self.line("a.example,b.example", good))
            \(Self.line("[c.example]:2222", good))
            \(Self.line("*.wild.example,!bad.wild.example", good))
            not a valid line
            """)
        #expect(file.verdict(for: "a.example", key: good) == .trusted)
        #expect(file.verdict(for: "b.example", key: good) == .trusted)
        #expect(file.verdict(for: "[c.example]:2222", key: good) == .trusted)
        #expect(file.verdict(for: "c.example", key: good) == .unknown(otherTypes: []))
        #expect(file.verdict(for: "x.wild.example", key: good) == .trusted)
        #expect(file.verdict(for: "bad.wild.example", key: good) == .unknown(otherTypes: []))
        #expect(file.verdict(for: "a.example", key: other) == .changed)
        #expect(file.verdict(for: "a.example", key: Self.key(1, type: "ssh-rsa")) == .unknown(otherTypes: ["ssh-ed25519"]))
    }

    @Test func matchesHashedNames() {
        let salt = Data((0..<20).map { UInt8($0) })
        let hash = Data(HMAC<Insecure.SHA1>.authenticationCode(for: Data("[h.example]:2200".utf8), using: SymmetricKey(data: salt)))
        let file = SSHKnownHosts(path: "kh", contents: Self.line("|1|\(salt.base64EncodedString())|\(hash.base64EncodedString())", good))
        #expect(file.verdict(for: "[h.example]:2200", key: good) == .trusted)
        #expect(file.verdict(for: "h.example", key: good) == .unknown(otherTypes: []))
        #expect(file.verdict(for: "[h.example]:2200", key: other) == .changed)
    }

    @Test func revokedKeysAreRefusedEvenWhenListed() {
        let file = SSHKnownHosts(path: "kh", contents: Self.line("a.example", good) + "\n@revoked " + Self.line("*", good) + "\n")
        #expect(file.verdict(for: "a.example", key: good) == .revoked)
        #expect(file.verdict(for: "a.example", key: other) == .changed)
    }

    @Test func fingerprintIsOpenSSHsSHA256Form() {
        let fingerprint = good.fingerprint
        #expect(fingerprint.hasPrefix("SHA256:"))
        #expect(!fingerprint.contains("="))
        #expect(fingerprint.count == "SHA256:".count + 43)
    }

    @Test func aMissingFileIsAnError() {
        let error = try? #require(throws: GitError.self) { try SSHKnownHosts(path: "/nonexistent/known_hosts") }
        #expect(error?.code == .certificate)
    }
}
