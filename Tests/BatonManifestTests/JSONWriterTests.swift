import Foundation
import BatonManifest
import Testing

@Suite struct JSONWriterTests {
    func read(_ text: String) throws -> JSONValue { try JSONReader().read(Array(text.utf8)).root }

    @Test func canonicalFormSortsKeysAndDropsWhitespace() throws {
        let value = try read(#"{ "b": [1, 2.5, true, null], "a": { "z": "x", "y": -3 } }"#)
        #expect(JSONWriter.canonical(value) == #"{"a":{"y":-3,"z":"x"},"b":[1,2.5,true,null]}"#)
    }

    /// The property spec hashes rely on: layout and key order do not change the canonical text.
    @Test func reformattedDocumentsHaveTheSameCanonicalText() throws {
        let one = try read(#"{"name":"x","tasks":[{"id":"a","run":"true"}],"timeout":"1h"}"#)
        let two = try read("{\n  \"timeout\" : \"1h\",\n  \"tasks\" : [ { \"run\" : \"true\", \"id\" : \"a\" } ],\n  \"name\" : \"x\"\n}\n")
        #expect(JSONWriter.canonical(one) == JSONWriter.canonical(two))
        #expect(JSONWriter.canonical(try read(#"[3.0]"#)) == "[3]")
    }

    /// Spec hashes are computed from the tape; it must write exactly what the tree writes.
    @Test func theTapeWriterMatchesTheTreeWriter() throws {
        let documents = [
            #"{ "b": [1, 2.5, true, null, -0.0, 1e300], "a": { "z": "x\n\u00e9", "y": -3 }, "": {}, "c": [] }"#,
            #"[{"k": 1, "k2": [[]]}, "s", 3.0, false]"#,
            #"{"x": 1, "x": 2}"#,
            #""just a string""#,
        ]
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/valid")
        let files = try FileManager.default.contentsOfDirectory(at: fixtures, includingPropertiesForKeys: nil).filter { $0.pathExtension == "json" }
        #expect(files.count >= 4)
        for text in documents.map({ Array($0.utf8) }) + (try files.map { Array(try Data(contentsOf: $0)) }) {
            let tape = try JSONReader().readTape(text)
            #expect(JSONWriter.canonical(tape) == JSONWriter.canonical(tape.tree()), "\(String(decoding: text, as: UTF8.self))")
        }
    }

    @Test func stringsAreEscapedAndRoundTrip() throws {
        let text = "quote \" backslash \\ newline \n tab \t bell \u{7} é 😀 /slash"
        let value = JSONValue(.string(text), offset: 0)
        let written = JSONWriter.canonical(value)
        #expect(written == #""quote \" backslash \\ newline \n tab \t bell \u0007 é 😀 /slash""#)
        #expect(try read("[\(written)]").elements?.first?.stringValue == text)
    }

    @Test func prettyFormKeepsKeyOrderAndReadsBackEqual() throws {
        let value = try read(#"{"b":1,"a":{"c":[]},"d":[{}]}"#)
        let pretty = JSONWriter.pretty(value)
        #expect(pretty == "{\n  \"b\": 1,\n  \"a\": {\n    \"c\": []\n  },\n  \"d\": [\n    {}\n  ]\n}\n")
        #expect(JSONWriter.canonical(try read(pretty)) == JSONWriter.canonical(value))
    }
}

@Suite struct JSONTapeTests {
    @Test func escapedKeysAreTheFieldsTheySpell() throws {
        // "n\u0061me" is "name": a manifest may spell keys with escapes.
        let text = #"{"apiVersion":"baton/v1","kind":"Pipeline","n\u0061me":"x","tasks":[{"id":"a","run":"true"}]}"#
        let file = ManifestFile(path: "x.json", bytes: Array(text.utf8))
        #expect(file.diagnostics.map(\.formatted) == [])
        #expect(file.pipeline?.name == "x")
    }

    @Test func anEscapedDuplicateOfAPlainKeyIsCaught() throws {
        let tape = try JSONReader().readTape(Array(#"{"name":1,"n\u0061me":2}"#.utf8))
        #expect(tape.duplicateKeys.count == 1)
        #expect(tape.root.members.map { Array($0).count } == 1)
    }

    @Test func manyKeysSwitchToHashingAndStillFindDuplicates() throws {
        var keys = (0..<200).map { "\"k\($0)\": \($0)" }
        keys.append("\"k7\": 0")
        keys.append("\"k199\": 0")
        let tape = try JSONReader().readTape(Array(("{" + keys.joined(separator: ",") + "}").utf8))
        #expect(tape.duplicateKeys.map(\.pointer) == ["/k7", "/k199"])
        #expect(tape.root.members.map { Array($0).count } == 200)
    }

    @Test func treeFromTapeMatchesEveryValue() throws {
        let text = #"{"a":[1,{"b":"c\n"},[],{}],"d":-0.5,"e":false,"f":null,"g":"\u00e9"}"#
        let tape = try JSONReader().readTape(Array(text.utf8))
        let tree = tape.tree()
        #expect(JSONWriter.canonical(tree) == #"{"a":[1,{"b":"c\n"},[],{}],"d":-0.5,"e":false,"f":null,"g":"é"}"#)
        #expect(tape.root.type == .object)
        let members = try #require(tape.root.members.map { Array($0) })
        #expect(members.map(\.key) == ["a", "d", "e", "f", "g"])
        #expect(members[0].value.elements?.count == 4)
        #expect(members[1].value.number == JSONNumber(double: -0.5, integer: nil))
        #expect(members[2].value.bool == false)
        #expect(members[3].value.type == .null)
        #expect(members[4].value.string == "é")
    }
}
