import BatonTestSupport
import BatonGit
import Foundation
import Testing

@Suite struct GitCredentialsTests {
    private func served() throws -> (TemporaryDirectory, String, HTTPGitServer) {
        let temp = try TemporaryDirectory()
        let remote = try FixtureRepository(at: temp.sub("served/repo"))
        try remote.write("manifests/a.json", FixtureRepository.manifest("a"))
        let head = try remote.commit("add a")
        let server = try HTTPGitServer(root: temp.sub("served"), user: "robot", password: "correct-horse", scratch: temp.path)
        return (temp, head, server)
    }

    @Test func fetchesOverHTTPWithATokenOrAUserAndPassword() throws {
        let (temp, head, server) = try served()
        defer { server.stop() }
        let withToken = try GitMirror(stateDirectory: temp.sub("state-token"))
            .sync(GitSource(url: server.url("repo", userinfo: "robot")), credentials: .token("correct-horse"))
        #expect(withToken.commit.hex == head)
        let withPassword = try GitMirror(stateDirectory: temp.sub("state-password"))
            .sync(GitSource(url: server.url("repo")), credentials: .userPassword(user: "robot", password: "correct-horse"))
        #expect(withPassword.commit.hex == head)
    }

    @Test func wrongOrMissingCredentialsArePermanentAndNeverPrinted() throws {
        let (temp, _, server) = try served()
        defer { server.stop() }
        let mirror = GitMirror(stateDirectory: temp.sub("state"))

        let wrong = try #require(throws: GitError.self) {
            try mirror.sync(GitSource(url: server.url("repo")), credentials: .userPassword(user: "robot", password: "wrong-staple"))
        }
        #expect(wrong.code == .authentication, "\(wrong)")
        #expect(!wrong.isTransient)
        #expect(!wrong.description.contains("wrong-staple"))

        let none = try #require(throws: GitError.self) { try mirror.sync(GitSource(url: server.url("repo"))) }
        #expect(none.code == .authentication, "\(none)")

        let inURL = try #require(throws: GitError.self) { try mirror.sync(GitSource(url: server.url("repo", userinfo: "robot:bad-battery"))) }
        #expect(inURL.code == .authentication, "\(inURL)")
        #expect(inURL.url == server.url("repo", userinfo: "robot:***"))
        #expect(!inURL.description.contains("bad-battery"))
    }

    /// A token as the URL's whole userinfo, or in its query, is masked in the error's URL
    /// and scrubbed from libgit2's text, against a real HTTP server and a closed port.
    @Test func aTokenInTheURLIsNeverPrinted() throws {
        let (temp, _, server) = try served()
        defer { server.stop() }
        let mirror = GitMirror(stateDirectory: temp.sub("state"))

        let lone = try #require(throws: GitError.self) { try mirror.sync(GitSource(url: server.url("repo", userinfo: "tok-secret-123"))) }
        #expect(lone.code == .authentication, "\(lone)")
        #expect(lone.url == server.url("repo", userinfo: "***"))
        #expect(!lone.description.contains("tok-secret-123"))

        let port = try FreePort.find()
        let query = try #require(throws: GitError.self) {
            try mirror.sync(GitSource(url: "http://127.0.0.1:\(port)/repo?access_token=q-secret-456"))
        }
        #expect(query.url == "http://127.0.0.1:\(port)/repo?access_token=***")
        #expect(!query.description.contains("q-secret-456"), "\(query)")
    }

    @Test func readsCredentialsFromTheEnvironment() {
        #expect(GitCredentials.fromEnvironment(environment: ["BATON_GIT_TOKEN": "t"]) == .token("t"))
        #expect(GitCredentials.fromEnvironment(environment: ["BATON_GIT_USERNAME": "u", "BATON_GIT_PASSWORD": "p"]) == .userPassword(user: "u", password: "p"))
        #expect(GitCredentials.fromEnvironment(environment: ["BATON_GIT_USERNAME": "u"]) == .none)
        #expect(GitCredentials.fromEnvironment(token: "MY_TOKEN", environment: ["MY_TOKEN": "x"]) == .token("x"))
    }

    @Test func readsCredentialsFromAFile() throws {
        let temp = try TemporaryDirectory()
        try Data("tok-123\n".utf8).write(to: URL(fileURLWithPath: temp.sub("token")))
        try Data("username=ci\npassword=pa=ss\n".utf8).write(to: URL(fileURLWithPath: temp.sub("pair")))
        try Data("a\nb\n".utf8).write(to: URL(fileURLWithPath: temp.sub("bad")))
        #expect(try GitCredentials.fromFile(temp.sub("token")) == .token("tok-123"))
        #expect(try GitCredentials.fromFile(temp.sub("pair")) == .userPassword(user: "ci", password: "pa=ss"))
        #expect(throws: GitError.self) { try GitCredentials.fromFile(temp.sub("bad")) }
        #expect(throws: GitError.self) { try GitCredentials.fromFile(temp.sub("missing")) }
    }
}

@Suite struct GitCredentialsSSHTests {
    @Test func readsAnSSHKeyFromTheEnvironment() {
        let environment = [
            "BATON_GIT_SSH_KEY": "/keys/id", "BATON_GIT_SSH_PUBLIC_KEY": "/keys/id.pub",
            "BATON_GIT_SSH_PASSPHRASE": "pp", "BATON_GIT_SSH_KNOWN_HOSTS": "/keys/known_hosts",
        ]
        #expect(GitCredentials.fromEnvironment(environment: environment)
            == .sshKey(privateKey: "/keys/id", publicKey: "/keys/id.pub", passphrase: "pp", knownHosts: "/keys/known_hosts"))
        #expect(GitCredentials.fromEnvironment(environment: ["BATON_GIT_SSH_KEY": "/k", "BATON_GIT_SSH_PASSPHRASE_FILE": "/pp", "BATON_GIT_SSH_PASSPHRASE": "x"])
            == .sshKey(privateKey: "/k", passphraseFile: "/pp", knownHosts: nil))
        #expect(GitCredentials.fromEnvironment(environment: ["BATON_GIT_TOKEN": "t", "BATON_GIT_SSH_KNOWN_HOSTS": "/kh"]).knownHosts == "/kh")
        // HTTP and SSH credentials live side by side, for deployments with both kinds of source.
        let both = GitCredentials.fromEnvironment(environment: ["BATON_GIT_TOKEN": "t", "BATON_GIT_SSH_KEY": "/k"])
        #expect(both != .token("t"))
        #expect(both != .sshKey(privateKey: "/k", knownHosts: nil))
        #expect(GitCredentials.fromEnvironment(environment: ["BATON_GIT_SSH_KNOWN_HOSTS": "/kh"]) == GitCredentials.none.trustingKnownHosts("/kh"))
    }
}
