import BatonTestSupport
import BatonGit
import Testing

@Suite struct SSHEndpointTests {
    @Test func parsesSSHURLs() throws {
        #expect(try SSHEndpoint.parse("ssh://git@example.com/org/repo.git") == SSHEndpoint(user: "git", host: "example.com", port: 22, path: "/org/repo.git"))
        #expect(try SSHEndpoint.parse("ssh://root@127.0.0.1:2222/srv/r.git") == SSHEndpoint(user: "root", host: "127.0.0.1", port: 2222, path: "/srv/r.git"))
        #expect(try SSHEndpoint.parse("git+ssh://example.com:22/r") == SSHEndpoint(user: nil, host: "example.com", port: 22, path: "/r"))
        #expect(try SSHEndpoint.parse("ssh://u@[::1]:2200/r") == SSHEndpoint(user: "u", host: "::1", port: 2200, path: "/r"))
    }

    @Test func parsesScpLikeURLsOnPort22() throws {
        #expect(try SSHEndpoint.parse("git@github.com:org/repo.git") == SSHEndpoint(user: "git", host: "github.com", port: 22, path: "org/repo.git"))
        #expect(try SSHEndpoint.parse("host.example:/abs/repo") == SSHEndpoint(user: nil, host: "host.example", port: 22, path: "/abs/repo"))
        // The part after the colon is a path, never a port.
        #expect(try SSHEndpoint.parse("git@example.com:2222/repo.git") == SSHEndpoint(user: "git", host: "example.com", port: 22, path: "2222/repo.git"))
        #expect(try GitSource(url: "git@example.com:r.git").sshEndpoint()?.knownHostsName == "example.com")
    }

    @Test func leavesOtherURLsAlone() throws {
        for url in ["/srv/repo.git", "./a:b", "relative/dir:x", "file:///srv/r", "git://host/r", "https://u:p@host/r", "http://host:8080/r"] {
            #expect(try SSHEndpoint.parse(url) == nil, "\(url)")
        }
    }

    @Test func rejectsMalformedSSHURLs() {
        for url in ["ssh://host", "ssh://@host/r", "ssh://u@/r", "ssh://u@host:0/r", "ssh://u@host:99999/r", "ssh://u@host:x/r", "ssh://u@host/", "git@host:", "[git@host:22]:r"] {
            #expect(throws: GitError.self, "\(url)") { try SSHEndpoint.parse(url) }
        }
        let error = try? #require(throws: GitError.self) { try SSHEndpoint.parse("ssh://u@host:x/r") }
        #expect(error?.code == .invalidSource)
    }

    @Test func namesTheHostAsKnownHostsDoes() {
        #expect(SSHEndpoint(user: "git", host: "Example.COM", port: 22, path: "r").knownHostsName == "example.com")
        #expect(SSHEndpoint(user: "git", host: "127.0.0.1", port: 2222, path: "r").knownHostsName == "[127.0.0.1]:2222")
    }
}
