import BatonServer
import BatonTestSupport
import Foundation
import Testing

/// The tokens file refuses any mistake at start, naming the file, the line and the field.
@Suite struct TokenFileTests {
    static let hash = String(repeating: "ab", count: 32)

    @Test func commentsBlankLinesAndEitherCaseOfHex() throws {
        let file = try TokenFile.parse("""
            # who can read and who can operate

            ana   operate  \(Self.hash.uppercased())   # the on-call
            \tci-bot read \(String(repeating: "01", count: 32))\r
            """, file: "tokens")
        #expect(file.entries.map(\.name) == ["ana", "ci-bot"])
        #expect(file.entries.map(\.role) == [.operate, .read])
        #expect(file.entries[0].hash == Array(repeating: 0xab, count: 32))
    }

    @Test(arguments: [
        ("ana operate", 1, nil, "tokens-malformed-line", "tokens:1: expected NAME ROLE SHA256-HASH, found 2 fields"),
        ("# c\nana operate \(hash) extra", 2, nil, "tokens-malformed-line", "found 4 fields"),
        ("ana admin \(hash)", 1, "role", "tokens-invalid-role", "tokens:1: role: \"admin\" is not read or operate"),
        ("ana read abc", 1, "hash", "tokens-invalid-hash", "tokens:1: hash: expected the 64 hex digits"),
        ("ana read \(String(repeating: "zz", count: 32))", 1, "hash", "tokens-invalid-hash", "hash:"),
        ("a/b read \(hash)", 1, "name", "tokens-invalid-name", "tokens:1: name: \"a/b\""),
        ("ana read \(hash)\n\nana operate \(String(repeating: "cd", count: 32))", 3, "name", "tokens-duplicate", "already defined on line 1"),
        ("ana read \(hash)\nbo operate \(hash)", 2, "hash", "tokens-duplicate", "the same token is already defined on line 1"),
    ] as [(String, Int, String?, String, String)])
    func aBadLineIsRefusedByFileLineAndField(text: String, line: Int, field: String?, code: String, message: String) {
        do {
            _ = try TokenFile.parse(text, file: "tokens")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.file == "tokens")
            #expect(error.line == line)
            #expect(error.field == field)
            #expect(error.code.rawValue == code)
            #expect(error.description.contains(message), "\(error.description)")
        }
    }

    @Test func aFileWithoutTokensIsRefused() {
        #expect(throws: TokenFileError.self) { try TokenFile.parse("# nobody yet\n\n", file: "tokens") }
        do { _ = try TokenFile.parse("", file: "tokens") } catch {
            #expect(error.code == .empty)
            #expect(error.line == nil)
        }
    }

    @Test func aMissingFileIsRefusedWithItsPath() throws {
        let temp = try TemporaryDirectory()
        do {
            _ = try TokenFile.load(path: temp.path + "/absent")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.code == .unreadable)
            #expect(error.description.hasPrefix(temp.path + "/absent: "))
        }
    }

    @Test func aFileOnDiskLoads() throws {
        let temp = try TemporaryDirectory()
        let path = temp.path + "/tokens"
        try "ana read \(Self.hash)\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try TokenFile.load(path: path).entries.count == 1)
    }
}

