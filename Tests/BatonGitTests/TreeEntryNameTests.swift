import BatonGit
import Testing

@Suite struct TreeEntryNameTests {
    @Test(arguments: ["", ".", "..", "a/b", "/", "../x", "a\\b", ".git", ".GIT", ".Git", ".git.", ".git  ", "git~1", "GIT~1", ".g\u{200C}it"])
    func refusesWhatGitsVerifyPathRefuses(name: String) {
        #expect(TreeEntryName.problem(name) != nil)
    }

    @Test(arguments: ["a", "...", ".gitignore", ".github", ".gitmodules", "git", "x..y", "-", " ", "naïve", "git~2"])
    func acceptsPlainComponents(name: String) {
        #expect(TreeEntryName.problem(name) == nil)
    }
}
