import BatonEngine
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
}
