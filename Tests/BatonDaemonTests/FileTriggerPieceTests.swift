@testable import BatonDaemon
import BatonStore
import Foundation
import Testing

/// The pure pieces of file triggers: which names a pattern takes, and the settle book
/// driven by a made-up clock.
@Suite struct FileTriggerPieceTests {
    @Test(arguments: [
        ("*.csv", "a.csv", true),
        ("*.csv", "a.csv.part", false),
        ("*.csv", ".a.csv", false),
        (".*.csv", ".a.csv", true),
        ("in-??.csv", "in-01.csv", true),
        ("in-??.csv", "in-1.csv", false),
        ("[ab]*.json", "b1.json", true),
        ("[ab]*.json", "c1.json", false),
        ("*", ".hidden", false),
        ("*", "visible", true),
    ])
    func patternsMatchNamesLikeTheShellWithHiddenFilesLeftOut(pattern: String, name: String, matches: Bool) {
        #expect(FileScan.matches(name, pattern: pattern) == matches)
    }

    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }
    static func facts(size: Int64, mtime: Int64 = 100, inode: UInt64 = 7) -> FileFacts {
        FileFacts(device: 1, inode: inode, size: size, seconds: mtime, nanoseconds: 0)
    }

    @Test func aFileSettlesOnlyAfterItsFactsStoodStillForTheWholeSettle() {
        var book = SettleBook()
        book.observe(listing: ["/in/a.csv": Self.facts(size: 10)], at: Self.at(0))
        #expect(book.due(at: Self.at(0.9), settle: 1).isEmpty)
        #expect(book.nextDue(settle: 1) == Self.at(1))
        // It grew: settling starts again.
        book.observe(listing: ["/in/a.csv": Self.facts(size: 20, mtime: 101)], at: Self.at(0.95))
        #expect(book.due(at: Self.at(1.5), settle: 1).isEmpty)
        #expect(book.nextDue(settle: 1) == Self.at(1.95))
        // Seen again unchanged: the clock keeps running from the change.
        book.observe(listing: ["/in/a.csv": Self.facts(size: 20, mtime: 101)], at: Self.at(1.5))
        #expect(book.due(at: Self.at(1.95), settle: 1) == ["/in/a.csv"])
    }

    @Test func theMtimeAloneChangingRestartsTheSettleAndSoDoesANewInode() {
        var book = SettleBook()
        book.observe("/in/a.csv", facts: Self.facts(size: 10), at: Self.at(0))
        book.observe("/in/a.csv", facts: Self.facts(size: 10, mtime: 105), at: Self.at(2))
        #expect(book.due(at: Self.at(2.5), settle: 1).isEmpty)
        book.observe("/in/a.csv", facts: Self.facts(size: 10, mtime: 105, inode: 8), at: Self.at(2.9))
        #expect(book.due(at: Self.at(3.5), settle: 1).isEmpty)
        #expect(book.due(at: Self.at(3.9), settle: 1) == ["/in/a.csv"])
    }

    @Test func filesThatGoAwayAreDroppedAndDueFilesComeOldestFirst() {
        var book = SettleBook()
        book.observe(listing: ["/in/b.csv": Self.facts(size: 1), "/in/c.csv": Self.facts(size: 1, inode: 9)], at: Self.at(0))
        book.observe(listing: ["/in/a.csv": Self.facts(size: 1, inode: 3), "/in/b.csv": Self.facts(size: 1), "/in/c.csv": Self.facts(size: 1, inode: 9)], at: Self.at(1))
        #expect(book.due(at: Self.at(5), settle: 1) == ["/in/b.csv", "/in/c.csv", "/in/a.csv"])
        book.observe(listing: ["/in/a.csv": Self.facts(size: 1, inode: 3)], at: Self.at(2))
        #expect(book.due(at: Self.at(5), settle: 1) == ["/in/a.csv"])
        book.observe("/in/a.csv", facts: nil, at: Self.at(3))
        #expect(book.candidates.isEmpty)
        #expect(book.nextDue(settle: 1) == nil)
        book.observe("/in/d.csv", facts: Self.facts(size: 1, inode: 4), at: Self.at(3))
        book.remove("/in/d.csv")
        #expect(book.candidates.isEmpty)
    }

    @Test func theTriggerKeyNamesThePathAndTheFileVersionAndReadsBack() {
        let facts = FileFacts(device: 2049, inode: 131, size: 5, seconds: 1_765_000_000, nanoseconds: 12_345)
        let key = facts.triggerKey(path: "/data/in@2/a.csv")
        #expect(key == "file:/data/in@2/a.csv@2049:131:1765000000.000012345")
        let run = RunRecord(pipeline: "p", versionID: 1, scheduledAt: nil, trigger: .file, state: .queued, createdAt: Self.start, triggerKey: key)
        #expect(run.triggerFile == "/data/in@2/a.csv")
        var manual = run
        manual.trigger = .manual
        #expect(manual.triggerFile == nil)
    }

    @Test func aListingTakesRegularFilesOnlyAndNamesThemByAbsolutePath() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-file-scan-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/sub.csv", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("x".utf8).write(to: URL(fileURLWithPath: directory + "/a.csv"))
        try Data("x".utf8).write(to: URL(fileURLWithPath: directory + "/.b.csv"))
        try Data("x".utf8).write(to: URL(fileURLWithPath: directory + "/c.txt"))
        try FileManager.default.createSymbolicLink(atPath: directory + "/link.csv", withDestinationPath: directory + "/a.csv")
        let files = try FileScan.files(in: directory, matching: "*.csv")
        #expect(files.keys.sorted() == [directory + "/a.csv"])
        #expect(files[directory + "/a.csv"]?.size == 1)
        #expect(throws: FileScanError.self) { try FileScan.files(in: directory + "/missing", matching: "*") }
        do { _ = try FileScan.files(in: directory + "/missing", matching: "*") } catch { #expect(error.missing, "a missing folder holds no files") }
        do { _ = try FileScan.files(in: directory + "/c.txt", matching: "*") } catch { #expect(!error.missing, "a file is not a missing folder") }
    }
}
