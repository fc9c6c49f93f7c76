import BatonEngine
import BatonManifest
import BatonTestSupport
import Foundation
import Testing

@Suite struct CacheKeyTests {
    let tree: TemporaryDirectory

    init() throws {
        tree = try TemporaryDirectory()
        try write("etl/transform.py", "print('transform')\n")
        try write("etl/lib/util.py", "def f(): pass\n")
        try write("etl/lib/deep/more.py", "x = 1\n")
        try write("etl/README.md", "docs\n")
        try write("sql/a.sql", "select 1;\n")
        try write("sql/b.sql", "select 2;\n")
    }

    func write(_ relative: String, _ contents: String, in root: String? = nil) throws {
        let path = (root ?? tree.path) + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
    }

    func key(
        pipeline: String = "sales-etl", spec: String = #"{"id":"transform","run":"x"}"#,
        inputs: [String] = ["etl/**/*.py", "sql/*.sql"], keys: [String] = ["v1"],
        parameters: [String: String] = ["region": "us"], root: String? = nil
    ) throws(EngineError) -> String {
        try CacheKey.compute(
            pipeline: pipeline, taskSpec: spec, cache: CacheSpec(inputs: inputs, key: keys),
            treeRoot: root ?? tree.path, parameters: parameters)
    }

    @Test func theSameInputsGiveTheSameHexKey() throws {
        let first = try key()
        #expect(try key() == first)
        #expect(first.count == 64)
        #expect(first.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    @Test func everyComponentChangesTheKey() throws {
        let base = try key()
        var keys = [
            try key(pipeline: "sales-etl-2"),
            try key(spec: #"{"id":"transform","run":"y"}"#),
            try key(inputs: ["etl/**/*.py"]),
            try key(keys: ["v2"]),
            try key(keys: ["v1", ""]),
            try key(keys: []),
            try key(parameters: ["region": "eu"]),
            try key(parameters: ["region": "us", "day": "mon"]),
            try key(parameters: [:]),
        ]
        try write("sql/a.sql", "select 10;\n")
        keys.append(try key())
        #expect(!keys.contains(base))
        #expect(Set(keys).count == keys.count)
    }

    @Test func componentsCannotRunTogether() throws {
        // Without length prefixes these pairs would hash the same bytes.
        #expect(try key(pipeline: "ab", spec: "c") != key(pipeline: "a", spec: "bc"))
        #expect(try key(keys: ["ab", "c"]) != key(keys: ["a", "bc"]))
        #expect(try key(parameters: ["a": "b=c"]) != key(parameters: ["a=b": "c"]))
    }

    @Test func theKeyStringsCountInOrder() throws {
        #expect(try key(keys: ["a", "b"]) != key(keys: ["b", "a"]))
    }

    @Test func renamingAnInputChangesTheKey() throws {
        let before = try key()
        try FileManager.default.moveItem(atPath: tree.sub("sql/b.sql"), toPath: tree.sub("sql/c.sql"))
        #expect(try key() != before)
    }

    @Test func filesOutsideTheInputsDoNotCount() throws {
        let before = try key()
        try write("etl/README.md", "changed docs\n")
        try write("other/new.py", "unrelated\n")
        #expect(try key() == before)
    }

    @Test func aFileAppearingInAGlobChangesTheKey() throws {
        let before = try key()
        try write("etl/lib/deep/er/new.py", "y = 2\n")
        #expect(try key() != before)
    }

    @Test func aPatternMatchingNothingCountsAndAFileAppearingLaterChangesIt() throws {
        let before = try key(inputs: ["etl/transform.py", "generated/*.json"])
        #expect(try key(inputs: ["etl/transform.py", "generated/*.csv"]) != before)
        try write("generated/schema.json", "{}\n")
        #expect(try key(inputs: ["etl/transform.py", "generated/*.json"]) != before)
    }

    @Test func theOrderFilesAreCreatedInAndPatternsAreWrittenInDoesNotMatter() throws {
        let other = try TemporaryDirectory()
        // Same files, created in the opposite order (so directory listings may differ).
        for (path, contents) in [
            ("sql/b.sql", "select 2;\n"), ("sql/a.sql", "select 1;\n"), ("etl/README.md", "docs\n"),
            ("etl/lib/deep/more.py", "x = 1\n"), ("etl/lib/util.py", "def f(): pass\n"),
            ("etl/transform.py", "print('transform')\n"),
        ] {
            try write(path, contents, in: other.path)
        }
        #expect(try key(root: other.path) == key())
        #expect(try key(inputs: ["sql/*.sql", "etl/**/*.py"]) == key())
        // Overlapping patterns name each file once.
        #expect(try key(inputs: ["etl/**/*.py", "sql/*.sql", "sql/a.sql", "etl/transform.py"]) == key())
    }

    @Test func aDirectoryStandsForEverythingBeneathIt() throws {
        #expect(try key(inputs: ["sql"]) == key(inputs: ["sql/**"]))
        #expect(try key(inputs: ["sql/"]) == key(inputs: ["./sql/*"]))
        #expect(try key(inputs: ["sql"]) == key(inputs: ["sql/a.sql", "sql/b.sql"]))
    }

    @Test(arguments: [
        (["etl/*.py"], ["etl/transform.py"]),
        (["etl/**/*.py"], ["etl/transform.py", "etl/lib/util.py", "etl/lib/deep/more.py"]),
        (["**/more.py"], ["etl/lib/deep/more.py"]),
        (["etl/lib/**"], ["etl/lib/util.py", "etl/lib/deep/more.py"]),
        (["sql/?.sql"], ["sql/a.sql", "sql/b.sql"]),
        (["sql/[a].sql"], ["sql/a.sql"]),
        (["sql/[!a].sql"], ["sql/b.sql"]),
        (["sql/[a-b].sql"], ["sql/a.sql", "sql/b.sql"]),
        (["e*/t*"], ["etl/transform.py"]),
    ])
    func globsMatchWhatTheySay(patterns: [String], files: [String]) throws {
        #expect(try key(inputs: patterns) == key(inputs: files))
    }

    @Test(arguments: ["../secrets", "etl/../../x", "/etc/passwd", ""])
    func inputsMayNotLeaveTheTree(pattern: String) throws {
        do {
            _ = try key(inputs: [pattern])
            Issue.record("\(pattern) was accepted")
        } catch {
            #expect(error.code == .cache)
        }
    }

    @Test func aSymbolicLinkIsHashedAsItsTargetAndNotFollowed() throws {
        let outside = try TemporaryDirectory()
        try write("outside.txt", "v1\n", in: outside.path)
        try FileManager.default.createSymbolicLink(atPath: tree.sub("etl/link.py"), withDestinationPath: outside.sub("outside.txt"))
        let before = try key()
        try write("outside.txt", "v2\n", in: outside.path)
        #expect(try key() == before)
    }
}
