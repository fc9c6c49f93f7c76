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
        ("ssh+git://deploy@host/repo", "ssh+git://deploy@host/repo"),
    ])
    func redactsOnlyThePassword(url: String, expected: String) {
        #expect(URLRedaction.redact(url) == expected)
    }

    /// A token as the whole userinfo (GitHub's `https://TOKEN@github.com/...`) and tokens in
    /// the query are credentials too; over HTTP(S) a lone userinfo cannot be told from one.
    @Test(arguments: [
        ("https://ghp_abc123@github.com/org/repo.git", "https://***@github.com/org/repo.git"),
        ("http://glpat-xyz@127.0.0.1:8080/repo", "http://***@127.0.0.1:8080/repo"),
        ("HTTPS://tok@host/r", "HTTPS://***@host/r"),
        ("git://tok@host/r", "git://***@host/r"),
        ("https://host/repo.git?token=abc", "https://host/repo.git?token=***"),
        ("https://host/repo.git?ref=main&access_token=abc&x=1", "https://host/repo.git?ref=main&access_token=***&x=1"),
        ("https://host/r?private_token=a;api_key=b&Signature=c&X-Amz-Credential=d", "https://host/r?private_token=***;api_key=***&Signature=***&X-Amz-Credential=***"),
        ("https://host/r?%74oken=abc", "https://host/r?%74oken=***"),
        ("https://host/r#auth=abc", "https://host/r#auth=***"),
        ("https://tok@host/r?password=p", "https://***@host/r?password=***"),
        ("https://host/r?ref=main&empty_token=", "https://host/r?ref=main&empty_token="),
        ("https://host/r?flag", "https://host/r?flag"),
    ])
    func redactsTokensInTheUserinfoAndTheQuery(url: String, expected: String) {
        #expect(URLRedaction.redact(url) == expected)
        #expect(URLRedaction.redact(expected) == expected, "redacting twice changes nothing")
    }

    @Test func scrubRemovesATokenUserinfoAndQueryTokensFromFreeText() {
        let url = "https://ghp%2Fabc@host/repo?access_token=q-secret&ref=main"
        let text = "GET https://ghp%2Fabc@host/repo?access_token=q-secret&ref=main failed; token ghp/abc, q-secret"
        let scrubbed = URLRedaction.scrub(text, url: url)
        #expect(scrubbed == "GET https://***@host/repo?access_token=***&ref=main failed; token ***, ***")
        #expect(URLRedaction.secrets(in: "ssh://git@host/repo").isEmpty)
    }

    @Test func scrubRemovesThePasswordInAnyForm() {
        let url = "https://user:p%40ss@host/repo"
        let text = "failed to fetch https://user:p%40ss@host/repo: password p@ss rejected (p%40ss)"
        let scrubbed = URLRedaction.scrub(text, url: url)
        #expect(scrubbed == "failed to fetch https://user:***@host/repo: password *** rejected (***)")
    }
}
