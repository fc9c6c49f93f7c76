@testable import BatonEngine
import BatonTestSupport
import Foundation
import Testing

@Suite struct OutputsTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    func file(_ contents: String) throws -> String {
        let path = directory.sub("output-\(UUID().uuidString)")
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func parseError(_ path: String) -> EngineError? {
        do {
            _ = try TaskOutputs.parse(fileAt: path)
            return nil
        } catch {
            return error
        }
    }

    @Test func anAbsentOrEmptyFileMeansNoOutputs() throws {
        #expect(try TaskOutputs.parse(fileAt: directory.sub("never-written")) == [:])
        #expect(try TaskOutputs.parse(fileAt: try file("")) == [:])
        #expect(try TaskOutputs.parse(fileAt: try file("\n\n  \n")) == [:])
    }

    @Test func linesAreKeyEqualsTheRestOfTheLine() throws {
        let path = try file("""
            rows=42
            EMPTY=
            url=https://x.example/?a=1&b=2

            _under_score9=  spaced value\u{20}
            crlf=yes\r
            rows=43
            last=no newline
            """)
        #expect(try TaskOutputs.parse(fileAt: path) == [
            "rows": "43",
            "EMPTY": "",
            "url": "https://x.example/?a=1&b=2",
            "_under_score9": "  spaced value ",
            "crlf": "yes",
            "last": "no newline",
        ])
    }

    @Test(arguments: [
        ("ok=1\nno equals sign\n", 2, "no equals sign"),
        ("1abc=x", 1, "1abc=x"),
        ("ok=1\n\nbad-key=x", 3, "bad-key=x"),
        ("=value", 1, "=value"),
        (" key=x", 1, " key=x"),
        ("clé=x", 1, "clé=x"),
    ])
    func aMalformedLineIsNamedAndShown(contents: String, line: Int, shown: String) throws {
        let error = try #require(parseError(try file(contents)))
        #expect(error.code == .outputs)
        #expect(error.message.contains("line \(line) "))
        #expect(error.message.contains("\"\(shown)\""))
    }

    @Test func aFileOverTheLimitFailsSayingItsSize() throws {
        let exactly = "k=" + String(repeating: "v", count: TaskOutputs.limit - 2)
        #expect(try TaskOutputs.parse(fileAt: try file(exactly))["k"]?.count == TaskOutputs.limit - 2)

        let error = try #require(parseError(try file(exactly + "v")))
        #expect(error.code == .outputs)
        #expect(error.message.contains("\(TaskOutputs.limit + 1) bytes"))
        #expect(error.message.contains("\(TaskOutputs.limit)"))
    }

    @Test func aFileThatIsNotUTF8Fails() throws {
        let path = directory.sub("binary")
        try Data([0x6B, 0x3D, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: path))
        #expect(parseError(path)?.code == .outputs)
    }

    @Test func aSecretInTheOutputFileIsRedactedInPlace() throws {
        let redactor = Redactor(secrets: ["hunter2-secret", "line-one-of-it\nline-two-of-it"])
        let path = try file("token=hunter2-secret\nrows=3\nkey=line-one-of-it\nline-two-of-it\n")
        try TaskOutputs.redactFile(at: path, with: redactor)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "token=***\nrows=3\nkey=***\n")
        #expect(try TaskOutputs.parse(fileAt: path) == ["token": "***", "rows": "3", "key": "***"])
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode & 0o077 == 0, "the redacted copy is private: \(String(mode, radix: 8))")
        #expect(!FileManager.default.fileExists(atPath: path + ".redacting"))

        // Without a secret the file is left alone (same inode); without a file, nothing happens.
        let plain = try file("rows=3\n")
        let inode = try FileManager.default.attributesOfItem(atPath: plain)[.systemFileNumber] as? Int
        try TaskOutputs.redactFile(at: plain, with: redactor)
        #expect(try FileManager.default.attributesOfItem(atPath: plain)[.systemFileNumber] as? Int == inode)
        try TaskOutputs.redactFile(at: directory.sub("never-written"), with: redactor)
    }

    /// A task may put a link or a FIFO where its outputs go: Baton neither follows the link
    /// (to a file it may read and the task may not) nor blocks on the FIFO.
    @Test func aLinkOrFIFOInPlaceOfTheOutputFileIsRefusedAndRemoved() throws {
        let target = try file("stolen=yes\n")
        let link = directory.sub("link.out")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(parseError(link)?.code == .outputs)
        let fifo = directory.sub("fifo.out")
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(parseError(fifo)?.code == .outputs)

        let redactor = Redactor(secrets: ["stolen"])
        try TaskOutputs.redactFile(at: link, with: redactor)
        try TaskOutputs.redactFile(at: fifo, with: redactor)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == nil, "the link is gone")
        #expect(!FileManager.default.fileExists(atPath: fifo))
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "stolen=yes\n", "the link's target is not Baton's to change")
    }
}
