import Foundation

/// The tokens file: one line per token, `NAME ROLE SHA256-HASH`, where the hash is the hex of
/// the SHA-256 of the token (`printf %s "$TOKEN" | sha256sum`). `#` starts a comment; blank
/// lines are ignored.
///
/// Only hashes are stored, so the file can be read by more than Baton's user without giving
/// anyone a token, and a leaked file does not leak access.
public struct TokenFile: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var role: Role
        /// The 32 bytes of the SHA-256 of the token.
        public var hash: [UInt8]

        public init(name: String, role: Role, hash: [UInt8]) {
            self.name = name
            self.role = role
            self.hash = hash
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// Reads and checks the file at `path`; refuses the whole file on the first bad line, so
    /// a typo never silently drops someone's access or grants the wrong role.
    public static func load(path: String) throws(TokenFileError) -> TokenFile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw TokenFileError(.unreadable, file: path, "cannot read the tokens file: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TokenFileError(.unreadable, file: path, "the tokens file is not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// Parses the file's text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(TokenFileError) -> TokenFile {
        var entries: [Entry] = []
        var names: [String: Int] = [:]
        var hashes: [[UInt8]: Int] = [:]
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let content = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            guard fields.count == 3 else {
                throw TokenFileError(.malformedLine, file: file, line: number, "expected NAME ROLE SHA256-HASH, found \(fields.count) field\(fields.count == 1 ? "" : "s")")
            }
            let name = String(fields[0])
            guard name.utf8.allSatisfy(Self.isNameByte) else {
                throw TokenFileError(.invalidName, file: file, line: number, field: "name", "\"\(name)\" may hold only letters, digits, '.', '_', '-' and '@'")
            }
            guard let role = Role(rawValue: String(fields[1])) else {
                throw TokenFileError(.invalidRole, file: file, line: number, field: "role", "\"\(fields[1])\" is not read or operate")
            }
            guard let hash = Self.hexBytes(fields[2]), hash.count == 32 else {
                throw TokenFileError(.invalidHash, file: file, line: number, field: "hash",
                                     "expected the 64 hex digits of the token's SHA-256 (printf %s \"$TOKEN\" | sha256sum), found \(fields[2].count) characters")
            }
            if let earlier = names[name] {
                throw TokenFileError(.duplicate, file: file, line: number, field: "name", "\"\(name)\" is already defined on line \(earlier)")
            }
            if let earlier = hashes[hash] {
                throw TokenFileError(.duplicate, file: file, line: number, field: "hash", "the same token is already defined on line \(earlier); give each user a token of their own")
            }
            names[name] = number
            hashes[hash] = number
            entries.append(Entry(name: name, role: role, hash: hash))
        }
        guard !entries.isEmpty else {
            throw TokenFileError(.empty, file: file, "no token in the file: add a line NAME ROLE SHA256-HASH")
        }
        return TokenFile(entries: entries)
    }

    /// ASCII letters and digits, `.`, `_`, `-`, `@`: a name is written in audit events and
    /// logs, where it must not pass for something else.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "@"): true
        default: false
        }
    }

    /// The bytes of a hex string (either case), or nil.
    static func hexBytes(_ text: some StringProtocol) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = HexDigit.value(digits[index]), let low = HexDigit.value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}
