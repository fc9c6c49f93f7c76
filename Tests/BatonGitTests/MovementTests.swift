import BatonTestSupport
import BatonGit
import Foundation
import Testing

@Suite struct MovementTests {
    @Test func sameAndFastForward() throws {
        let fixture = try MirroredFixture()
        let one = try fixture.remote.commit("one")
        let two = try fixture.remote.commit("two")
        let (repository, _) = try fixture.sync()
        #expect(try repository.movement(from: fixture.id(two), to: fixture.id(two)) == .same)
        #expect(try repository.movement(from: fixture.id(one), to: fixture.id(two)) == .fastForward)
        #expect(try repository.movement(from: nil, to: fixture.id(two)) == .fastForward)
        #expect(try repository.isAncestor(fixture.id(one), of: fixture.id(two)))
        #expect(try !repository.isAncestor(fixture.id(two), of: fixture.id(one)))
    }

    @Test func aResetBackwardsIsARewind() throws {
        let fixture = try MirroredFixture()
        let one = try fixture.remote.commit("one")
        let two = try fixture.remote.commit("two")
        let (repository, _) = try fixture.sync()
        #expect(try repository.movement(from: fixture.id(two), to: fixture.id(one)) == .rewind(oldCommitInMirror: true))
        #expect(try repository.mergeBase(fixture.id(one), fixture.id(two)) == fixture.id(one))
    }

    @Test func aReplacedHistoryIsUnrelated() throws {
        let fixture = try MirroredFixture()
        let old = try fixture.remote.commit("old history")
        let (_, before) = try fixture.sync()
        #expect(before == fixture.id(old))
        try fixture.remote.git("checkout", "-q", "--orphan", "fresh")
        let new = try fixture.remote.commit("new history")
        try fixture.remote.git("branch", "-q", "-M", "fresh", "main")
        let (repository, after) = try fixture.sync()
        #expect(after == fixture.id(new))
        #expect(try repository.mergeBase(before, after) == nil)
        #expect(try repository.movement(from: before, to: after) == .unrelated)
    }

    @Test func anOldCommitNoLongerInTheMirrorIsARewindThatCannotBeInspected() throws {
        let fixture = try MirroredFixture()
        try fixture.remote.commit("one")
        let (repository, head) = try fixture.sync()
        let vanished = GitObjectID(hex: String(repeating: "1", count: 40))!
        #expect(!repository.contains(vanished))
        #expect(try repository.movement(from: vanished, to: head) == .rewind(oldCommitInMirror: false))
    }
}
