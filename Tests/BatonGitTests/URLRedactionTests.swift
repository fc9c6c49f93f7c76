import BatonTestSupport
import BatonGit
import Testing

@Suite struct URLRedactionTests {
    @Test(arguments: [
        ("https://user:secret@host/path", "https://user:***@host/path"),
        ("https://user:p%40ss@host:8443/a/b.git", "https://user:***@host:8443/a/b.git"),
        ("http://user:pw@host/path@with-at", "http://user:***@host/path@with-at"),
        ("ssh://git@host:2222/repo.git", "ssh://git@host:2222/repo.git"),
        ("git@github.com:org/repo.git", "git@github.com:org/repo.git"),
        ("https://host/path", "https://host/path"),
        ("/srv/git/repo", "/srv/git/repo"),
        ("git://127.0.0.1:9418/repo", "git://127.0.0.1:9418/repo"),
    ])
    func redactsOnlyThePassword(url: String, expected: String) {
        #expect(URLRedaction.redact(url) == expected)
    }

    @Test func scrubRemovesThePasswordInAnyForm() {
        let url = "https://user:p%40ss@host/repo"
        let text = "failed to fetch https://user:p%40ss@host/repo: password p@ss rejected (p%40ss)"
        let scrubbed = URLRedaction.scrub(text, url: url)
        #expect(scrubbed == "failed to fetch https://user:***@host/repo: password *** rejected (***)")
    }
}
