import BatonTestSupport
import BatonGit
import Testing

@Suite struct GitErrorTests {
    @Test func onlyConnectionAndTimeoutAreTransient() {
        let transient: [GitError.Code] = [.connection, .timeout]
        let permanent: [GitError.Code] = [.notARepository, .refNotFound, .authentication, .certificate, .corruptMirror, .invalidSource, .io, .libgit2]
        for code in transient { #expect(GitError(code: code, message: "m", step: .fetch).isTransient) }
        for code in permanent { #expect(!GitError(code: code, message: "m", step: .fetch).isTransient) }
    }

    @Test func descriptionNamesTheStepTheRedactedURLAndTheRef() {
        let error = GitError(code: .refNotFound, message: "refs/heads/x does not exist on the remote",
                             url: "https://ci:tok3n@git.example.com/data.git", ref: "x", step: .resolveRef)
        #expect(error.url == "https://ci:***@git.example.com/data.git")
        #expect(error.description == "git resolve-ref of https://ci:***@git.example.com/data.git (ref x) failed: refs/heads/x does not exist on the remote [ref-not-found] (permanent: needs a person)")
    }
}
