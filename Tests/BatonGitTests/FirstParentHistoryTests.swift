import BatonTestSupport
import BatonGit
import Foundation
import Testing

@Suite struct FirstParentHistoryTests {
    @Test func listsTheFirstParentChainBetweenTwoCommits() throws {
        let fixture = try MirroredFixture()
        let remote = fixture.remote
        let base = try remote.commit("base")
        let one = try remote.commit("one\n\nlonger body", author: .bo)
        try remote.git("checkout", "-q", "-b", "feature")
        let featureCommit = try remote.commit("on the branch", author: .cy)
        try remote.git("checkout", "-q", "main")
        let two = try remote.commit("two", author: .ana)
        try remote.git("merge", "-q", "--no-ff", "-m", "Merge feature", "feature", author: .dee)
        let merge = try remote.head()
        let (repository, _) = try fixture.sync()

        let newest = try repository.firstParentHistory(from: fixture.id(base), to: fixture.id(merge))
        #expect(newest.map(\.id.hex) == [merge, two, one])
        #expect(!newest.map(\.id.hex).contains(featureCommit))
        #expect(newest.map(\.subject) == ["Merge feature", "two", "one"])
        #expect(newest[0].isMerge && newest[0].parents.map(\.hex) == [two, featureCommit])
        #expect(newest[2].author.name == "Bo Chen" && newest[2].author.email == "bo@example.com")
        #expect(newest[0].committer.email == "dee@example.com")
        #expect(newest[2].author.time < newest[1].author.time)
        #expect(newest[2].author.utcOffsetMinutes == 0)

        let oldest = try repository.firstParentHistory(from: fixture.id(base), to: fixture.id(merge), order: .oldestFirst)
        #expect(oldest.map(\.id.hex) == [one, two, merge])

        let all = try repository.firstParentHistory(from: nil, to: fixture.id(two))
        #expect(all.map(\.id.hex) == [two, one, base])
        #expect(try repository.firstParentHistory(from: fixture.id(two), to: fixture.id(two)).isEmpty)
    }
}
