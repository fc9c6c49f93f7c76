@testable import BatonManifest
import Testing

@Suite struct JSONReaderTests {
    func read(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try JSONReader().read(Array(text.utf8)).root
    }

    func failure(_ bytes: [UInt8]) -> JSONSyntaxError? {
        do {
            _ = try JSONReader().read(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func readsEveryKindOfValueWithOffsets() throws {
        let root = try read(#"  {"a": [1, -2.5e1, true, false, null, "x"], "b": {}}"#)
        #expect(root.offset == 2)
        let members = try #require(root.members)
        #expect(members.map(\.key) == ["a", "b"])
        #expect(members[0].keyOffset == 3)
        let elements = try #require(members[0].value.elements)
        #expect(elements.map(\.offset) == [9, 12, 20, 26, 33, 39])
        #expect(elements[0].kind == .number(JSONNumber(double: 1, integer: 1)))
        #expect(elements[1].kind == .number(JSONNumber(double: -25, integer: -25)))
        #expect(elements[2].kind == .bool(true))
        #expect(elements[4].kind == .null)
        #expect(elements[5].stringValue == "x")
    }

    @Test func decodesEscapes() throws {
        let root = try read(#"["\"\\\/\b\f\n\r\t\u0041\u00e9\ud83d\ude00"]"#)
        #expect(root.elements?.first?.stringValue == "\"\\/\u{8}\u{c}\n\r\tAé😀")
    }

    @Test func integersAndFractions() throws {
        let root = try read("[3, 3.0, 3.5, 12345678901234567890, -0]")
        let numbers = root.elements!.map { value -> JSONNumber in
            guard case .number(let n) = value.kind else { fatalError() }
            return n
        }
        #expect(numbers[0].integer == 3)
        #expect(numbers[1].integer == 3, "3.0 is an integer, as JSON Schema says")
        #expect(numbers[2].integer == nil)
        #expect(numbers[3].integer == nil, "too large for Int64")
        #expect(numbers[4].integer == 0)
    }

    @Test(arguments: [
        ("{\"a\": 1,}", "trailing comma before \"}\""),
        ("[1,]", "trailing comma before \"]\""),
        ("{\"a\": 1 /* c */}", "expected \",\" or \"}\""),
        ("// c\n{}", "comments are not allowed"),
        ("{'a': 1}", "double quotes"),
        ("[01]", "leading zeros"),
        ("[1.]", "after the decimal point"),
        ("[1e]", "exponent"),
        ("[-]", "after \"-\""),
        ("[tru]", "expected true"),
        ("[NaN]", "expected a value"),
        ("{\"a\" 1}", "expected \":\""),
        ("{} {}", "after the end of the JSON document"),
        ("", "file is empty"),
        ("   ", "file is empty"),
        ("[\"a\tb\"]", "control character U+0009"),
        ("[\"\\x\"]", "invalid escape"),
        ("[\"\\u12\"]", "4 hexadecimal digits"),
        ("[\"abc", "unterminated string"),
        ("{\"a\": [1, 2}", "expected \",\" or \"]\""),
        ("[1e999]", "out of range"),
    ])
    func rejectsNonStrictJSON(_ text: String, _ message: String) {
        let error = failure(Array(text.utf8))
        #expect(error?.code == .syntax)
        #expect(error?.message.contains(message) == true, "\(String(describing: error?.message))")
    }

    @Test(arguments: [
        [0x5B, 0x22, 0xFF, 0x22, 0x5D],  // 0xFF never appears in UTF-8
        [0x5B, 0x22, 0xC0, 0x80, 0x22, 0x5D],  // overlong NUL
        [0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D],  // UTF-8-encoded surrogate
        [0x5B, 0x22, 0xE2, 0x82, 0x22, 0x5D],  // truncated sequence
        [0x5B, 0x22, 0xF4, 0x90, 0x80, 0x80, 0x22, 0x5D],  // above U+10FFFF
        [0xEF, 0xBB, 0xBF, 0x7B, 0x7D],  // byte order mark
        [0x5B, 0xC3, 0xA9, 0x5D],  // valid UTF-8, but outside a string
    ] as [[UInt8]])
    func rejectsInvalidUTF8WithAnEncodingError(_ bytes: [UInt8]) {
        let error = failure(bytes)
        if bytes == [0x5B, 0xC3, 0xA9, 0x5D] {
            #expect(error?.code == .syntax)
        } else {
            #expect(error?.code == .encoding)
        }
    }

    @Test func loneSurrogateEscapesAreEncodingErrors() {
        #expect(failure(Array(#"["\ud800"]"#.utf8))?.code == .encoding)
        #expect(failure(Array(#"["\udc00"]"#.utf8))?.code == .encoding)
        #expect(failure(Array(#"["\ud800\u0041"]"#.utf8))?.code == .encoding)
    }

    @Test func nestingIsCappedAt64() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try read(ok)
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(failure(Array(deep.utf8))?.code == .tooDeep)
        let hostile = String(repeating: "[", count: 100_000)
        #expect(failure(Array(hostile.utf8))?.code == .tooDeep)
    }

    @Test func filesOverOneMebibyteAreRefusedUnread() {
        let big = [UInt8](repeating: 0x20, count: JSONReader.maximumSize + 1)
        #expect(failure(big)?.code == .tooLarge)
        var justFits = [UInt8](repeating: 0x20, count: JSONReader.maximumSize - 2)
        justFits.append(contentsOf: Array("{}".utf8))
        #expect(failure(justFits) == nil)
    }

    @Test func duplicateKeysAreReportedWithPointerAndTheFirstIsKept() throws {
        let document = try JSONReader().read(Array(#"{"a": {"b": 1, "b": 2}, "a": 3}"#.utf8))
        #expect(document.duplicateKeys.map(\.pointer) == ["/a/b", "/a"])
        #expect(document.duplicateKeys.map(\.offset) == [15, 24])
        #expect(document.root.members?.count == 1)
        let inner = document.root.members?.first?.value.members
        #expect(inner?.count == 1)
        #expect(inner?.first?.value.kind == .number(JSONNumber(double: 1, integer: 1)))
    }

    @Test func syntaxErrorsCarryThePointerOfWhereTheyHappened() {
        let error = failure(Array(#"{"tasks": [{"id": "a",}]}"#.utf8))
        #expect(error?.pointer == "/tasks/0")
        let escaped = failure(Array(#"{"a/b": {"c~d": [}}"#.utf8))
        #expect(escaped?.pointer == "/a~1b/c~0d/0")
    }

    @Test func locatorCountsLinesAndUnicodeColumns() {
        var locator = SourceLocator(bytes: Array("ab\nçé x\n\nz".utf8))
        #expect(locator.location(of: 0) == (1, 1))
        #expect(locator.location(of: 2) == (1, 3))
        #expect(locator.location(of: 3) == (2, 1))
        // "çé " is 5 bytes but 3 characters: "x" is at column 4.
        #expect(locator.location(of: 8) == (2, 4))
        #expect(locator.location(of: 10) == (3, 1))
        #expect(locator.location(of: 11) == (4, 1))
        #expect(locator.location(of: 999) == (4, 2))
    }
}
