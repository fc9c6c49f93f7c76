import BatonTestSupport
import BatonGit
import Foundation
import Testing

/// `GitMirror` against a real `sshd`: keys, known_hosts and the messages a person reads.
@Suite struct GitMirrorSSHTests {
    /// A served bare repository (`remote.git`, pushed from the working copy `work`) behind a
    /// fresh sshd, with a known_hosts file listing its key.
    private struct Served {
        let temp: TemporaryDirectory
        let work: FixtureRepository
        let head: String
        let server: SSHServer
        let url: String
        let knownHosts: String

        init() throws {
            temp = try TemporaryDirectory()
            work = try FixtureRepository(at: temp.sub("work"))
            try work.write("manifests/a.json", FixtureRepository.manifest("a"))
            head = try work.commit("add a")
            try Shell.run("/usr/bin/git", ["clone", "-q", "--bare", work.path, temp.sub("remote.git")])
            server = try SSHServer(directory: temp.sub("ssh"))
            url = server.url(temp.sub("remote.git"))
            knownHosts = temp.sub("known_hosts")
            try Data((try server.knownHostsLine() + "\n").utf8).write(to: URL(fileURLWithPath: knownHosts))
        }

        func credentials(key: String? = nil, knownHosts: String? = nil) -> GitCredentials {
            .sshKey(privateKey: key ?? server.clientKey, knownHosts: knownHosts ?? self.knownHosts)
        }

        func writeKnownHosts(_ text: String) throws -> String {
            let path = temp.sub("known_hosts-\(UUID().uuidString)")
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }

        func expectNoSecrets(_ error: GitError) throws {
            let privateKey = try String(contentsOfFile: server.clientKey, encoding: .utf8)
            let body = privateKey.split(whereSeparator: \.isNewline).dropFirst().first.map(String.init) ?? privateKey
            #expect(!error.description.contains(body))
            #expect(!error.description.contains("PRIVATE KEY"))
        }
    }

    @Test func clonesAndFetchesFromAKnownHostWithTheRightKey() throws {
        let served = try Served()
        defer { served.server.stop() }
        let mirror = GitMirror(stateDirectory: served.temp.sub("state"), fetchTimeout: 30)
        let source = GitSource(url: served.url)

        let first = try mirror.sync(source, credentials: served.credentials())
        #expect(first.commit.hex == served.head)
        #expect(first.cloned)

        try served.work.write("manifests/b.json", FixtureRepository.manifest("b"))
        let next = try served.work.commit("add b")
        try Shell.run("/usr/bin/git", ["-C", served.work.path, "push", "-q", served.temp.sub("remote.git"), "main"])
        let second = try mirror.sync(source, lastApplied: first.commit, credentials: served.credentials())
        #expect(second.commit.hex == next)
        #expect(!second.cloned)
        #expect(second.movement == .fastForward)
    }

    @Test func acceptsAHashedKnownHostsEntry() throws {
        let served = try Served()
        defer { served.server.stop() }
        let hashed = served.temp.sub("known_hosts-hashed")
        try FileManager.default.copyItem(atPath: served.knownHosts, toPath: hashed)
        try Shell.run("/usr/bin/ssh-keygen", ["-q", "-H", "-f", hashed])
        let text = try String(contentsOfFile: hashed, encoding: .utf8)
        #expect(text.hasPrefix("|1|"))
        #expect(!text.contains("127.0.0.1"))

        let result = try GitMirror(stateDirectory: served.temp.sub("state"), fetchTimeout: 30)
            .sync(GitSource(url: served.url), credentials: served.credentials(knownHosts: hashed))
        #expect(result.commit.hex == served.head)
    }

    @Test func refusesAnUnknownHostNamingItsFingerprint() throws {
        let served = try Served()
        defer { served.server.stop() }
        let fingerprint = try served.server.hostKeyFingerprint()
        // The right key, but listed for port 22 only: a different host as far as SSH goes.
        let otherPort = try served.writeKnownHosts(try served.server.knownHostsLine(name: "127.0.0.1") + "\n")
        for knownHosts in [otherPort, try served.writeKnownHosts("# nothing yet\n")] {
            let error = try #require(throws: GitError.self) {
                try GitMirror(stateDirectory: served.temp.sub("state"), fetchTimeout: 30)
                    .sync(GitSource(url: served.url), credentials: served.credentials(knownHosts: knownHosts))
            }
            #expect(error.code == .certificate, "\(error)")
            #expect(!error.isTransient)
            #expect(error.message.contains(fingerprint), "\(error)")
            #expect(error.message.contains("[127.0.0.1]:\(served.server.port)"), "\(error)")
            #expect(error.message.contains("add its key to \(knownHosts)"), "\(error)")
            try served.expectNoSecrets(error)
        }
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: served.temp.sub("state/git"))) ?? []
        #expect(leftovers.isEmpty, "a refused host leaves no mirror behind")
    }

    @Test func refusesAChangedHostKey() throws {
        let served = try Served()
        defer { served.server.stop() }
        // The stranger's key stands in for the key known_hosts remembers.
        let stranger = try String(contentsOfFile: served.server.strangerKey + ".pub", encoding: .utf8).split(separator: " ")
        let knownHosts = try served.writeKnownHosts("[127.0.0.1]:\(served.server.port) \(stranger[0]) \(stranger[1])\n")
        let error = try #require(throws: GitError.self) {
            try GitMirror(stateDirectory: served.temp.sub("state"), fetchTimeout: 30)
                .sync(GitSource(url: served.url), credentials: served.credentials(knownHosts: knownHosts))
        }
        #expect(error.code == .certificate, "\(error)")
        #expect(error.message.contains("CHANGED"), "\(error)")
        #expect(error.message.contains(try served.server.hostKeyFingerprint()), "\(error)")
        try served.expectNoSecrets(error)
    }

    @Test func refusesWithoutAKnownHostsFile() throws {
        let served = try Served()
        defer { served.server.stop() }
        let mirror = GitMirror(stateDirectory: served.temp.sub("state"), fetchTimeout: 30)
        let missing = try #require(throws: GitError.self) {
            try mirror.sync(GitSource(url: served.url), credentials: served.credentials(knownHosts: served.temp.sub("absent")))
        }
        #expect(missing.code == .certificate, "\(missing)")
        #expect(missing.message.contains("does not exist"), "\(missing)")
        let unset = try #require(throws: GitError.self) {
            try mirror.sync(GitSource(url: served.url), credentials: .sshKey(privateKey: served.server.clientKey, knownHosts: nil))
        }
        #expect(unset.code == .certificate, "\(unset)")
        #expect(unset.message.contains("BATON_GIT_SSH_KNOWN_HOSTS"), "\(unset)")
    }

    @Test func aWrongOrMissingKeyIsAnAuthenticationError() throws {
        let served = try Served()
        defer { served.server.stop() }
        let mirror = GitMirror(stateDirectory: served.temp.sub("state"), fetchTimeout: 30)

        let wrong = try #require(throws: GitError.self) {
            try mirror.sync(GitSource(url: served.url), credentials: served.credentials(key: served.server.strangerKey))
        }
        #expect(wrong.code == .authentication, "\(wrong)")
        #expect(!wrong.isTransient)
        try served.expectNoSecrets(wrong)

        let none = try #require(throws: GitError.self) {
            try mirror.sync(GitSource(url: served.url), credentials: GitCredentials.none.trustingKnownHosts(served.knownHosts))
        }
        #expect(none.code == .authentication, "\(none)")
        #expect(none.message.contains("BATON_GIT_SSH_KEY"), "\(none)")

        let unreadable = try #require(throws: GitError.self) {
            try mirror.sync(GitSource(url: served.url), credentials: served.credentials(key: served.temp.sub("no-such-key")))
        }
        #expect(unreadable.code == .authentication, "\(unreadable)")
    }

    @Test func anEncryptedKeyNeedsItsPassphraseWhichIsNeverPrinted() throws {
        let served = try Served()
        defer { served.server.stop() }
        let key = served.temp.sub("ssh/encrypted")
        try Shell.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "sesame-open-17", "-C", "encrypted", "-f", key])
        let authorized = served.temp.sub("ssh/authorized_keys")
        let lines = try String(contentsOfFile: authorized, encoding: .utf8) + String(contentsOfFile: key + ".pub", encoding: .utf8)
        try Data(lines.utf8).write(to: URL(fileURLWithPath: authorized))
        let passphraseFile = served.temp.sub("passphrase")
        try Data("sesame-open-17\n".utf8).write(to: URL(fileURLWithPath: passphraseFile))

        let result = try GitMirror(stateDirectory: served.temp.sub("state-file"), fetchTimeout: 30)
            .sync(GitSource(url: served.url), credentials: .sshKey(privateKey: key, passphraseFile: passphraseFile, knownHosts: served.knownHosts))
        #expect(result.commit.hex == served.head)

        let wrong = try #require(throws: GitError.self) {
            try GitMirror(stateDirectory: served.temp.sub("state-wrong"), fetchTimeout: 30)
                .sync(GitSource(url: served.url), credentials: .sshKey(privateKey: key, passphrase: "not-sesame-42", knownHosts: served.knownHosts))
        }
        #expect(wrong.code == .authentication, "\(wrong)")
        #expect(!wrong.description.contains("not-sesame-42"))
        #expect(!wrong.description.contains("sesame-open-17"))
    }

    /// libssh2 reads the socket itself, so only DeadlineStream's watchdog can end this.
    @Test func aServerThatNeverAnswersTimesOut() throws {
        let temp = try TemporaryDirectory()
        let key = temp.sub("key")
        try Shell.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key])
        let listener = try SilentListener()
        let start = Date()
        let error = try #require(throws: GitError.self) {
            try GitMirror(stateDirectory: temp.sub("state"), fetchTimeout: 0.5)
                .sync(GitSource(url: "ssh://git@127.0.0.1:\(listener.port)/repo.git"), credentials: .sshKey(privateKey: key, knownHosts: temp.sub("kh")))
        }
        let elapsed = Date().timeIntervalSince(start)
        #expect(error.code == .timeout, "\(error)")
        #expect(error.isTransient)
        #expect(elapsed >= 0.5 && elapsed < 10, "took \(elapsed) s")
    }
}
