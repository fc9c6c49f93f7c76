/// A strict RFC 8259 reader that keeps the position of every value.
///
/// Strict on purpose: a manifest that some other tool reads differently (a trailing comma, a
/// comment, a duplicate key whose "winner" depends on the parser) must be refused before it
/// merges, not discovered at 2 a.m. It reads bytes, not `String`, because validation of tens
/// of thousands of manifests a second is a goal and UTF-8 is checked as part of the one pass.
public struct JSONReader: Sendable {
    /// Files larger than this are refused unread: a manifest is a page of JSON, and a huge
    /// file is a mistake (a data file under `manifests/`) rather than a pipeline.
    public static let maximumSize = 1 << 20
    /// Deeper nesting is refused so that a hostile file cannot exhaust the stack.
    public static let maximumDepth = 64

    /// What reading one document produced: the value, and duplicate keys found along the way
    /// (reported, not fatal: the first occurrence is kept so the rest of the file can still be
    /// checked).
    public struct Document: Sendable {
        public var root: JSONValue
        public var duplicateKeys: [JSONSyntaxError]
    }

    public init() {}

    /// Reads one JSON document; throws at the first syntax or encoding error.
    public func read(_ bytes: [UInt8]) throws(JSONSyntaxError) -> Document {
        guard bytes.count <= Self.maximumSize else {
            throw JSONSyntaxError(
                code: .tooLarge,
                message: "file is \(bytes.count) bytes; a manifest may be at most \(Self.maximumSize) bytes (1 MiB)",
                offset: 0)
        }
        let result: Result<Document, JSONSyntaxError> = bytes.withUnsafeBufferPointer { buffer in
            var parser = Parser(bytes: buffer)
            do throws(JSONSyntaxError) {
                return .success(try parser.document())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0
    var duplicates: [JSONSyntaxError] = []
    /// The path to the value being read; turned into a pointer only when an error needs it.
    var path: [PathComponent] = []

    enum PathComponent {
        case key(String)
        case index(Int)
    }

    var pointer: String {
        var text = ""
        for component in path {
            switch component {
            case .index(let i): text += "/\(i)"
            case .key(let k): text += "/" + k.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
            }
        }
        return text
    }

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func document() throws(JSONSyntaxError) -> JSONReader.Document {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            throw JSONSyntaxError(code: .encoding, message: "file starts with a UTF-8 byte order mark; save it as UTF-8 without BOM", offset: 0)
        }
        skipWhitespace()
        guard index < bytes.count else {
            throw fail("file is empty; a manifest is one JSON object")
        }
        let root = try value()
        skipWhitespace()
        if index < bytes.count {
            throw fail("unexpected \(describe(index)) after the end of the JSON document")
        }
        return JSONReader.Document(root: root, duplicateKeys: duplicates)
    }

    // MARK: Values

    mutating func value() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return JSONValue(.string(try string()), offset: start)
        case UInt8(ascii: "t"): try literal("true"); return JSONValue(.bool(true), offset: start)
        case UInt8(ascii: "f"): try literal("false"); return JSONValue(.bool(false), offset: start)
        case UInt8(ascii: "n"): try literal("null"); return JSONValue(.null, offset: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONValue(.number(try number()), offset: start)
        case UInt8(ascii: "/"):
            throw fail("comments are not allowed in JSON")
        case UInt8(ascii: "'"):
            throw fail("strings must use double quotes, not single quotes")
        default:
            throw fail("expected a value, found \(describe(index))")
        }
    }

    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > JSONReader.maximumDepth {
            throw JSONSyntaxError(code: .tooDeep, message: "nesting is deeper than \(JSONReader.maximumDepth) levels", offset: index, pointer: pointer)
        }
    }

    mutating func object() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        try enter()
        index += 1
        // Most manifest objects have up to 16 fields: one allocation, and growth beyond it
        // moves members without touching their reference counts.
        var members: [JSONMember] = []
        members.reserveCapacity(16)
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return JSONValue(.object([]), offset: start)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file inside an object; a \"}\" is missing") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                if bytes[index] == UInt8(ascii: "}") { throw fail("trailing comma before \"}\"") }
                if bytes[index] == UInt8(ascii: "/") { throw fail("comments are not allowed in JSON") }
                throw fail("expected a field name in double quotes, found \(describe(index))")
            }
            let keyOffset = index
            let key = try string()
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else {
                throw fail("expected \":\" after field name \"\(key)\", found \(describe(index))")
            }
            index += 1
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file; a value for \"\(key)\" is missing") }
            path.append(.key(key))
            let member = JSONMember(key: key, keyOffset: keyOffset, value: try value())
            if let first = members.first(where: { $0.key.utf8.count == key.utf8.count && $0.key == key }) {
                duplicates.append(JSONSyntaxError(
                    code: .duplicateKey,
                    message: "duplicate field \"\(key)\" (first given at byte \(first.keyOffset)); only one is allowed",
                    offset: keyOffset, pointer: pointer))
            } else {
                members.append(member)
            }
            path.removeLast()
            let afterValue = index
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file inside an object; a \"}\" is missing") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return JSONValue(.object(members), offset: start)
            default:
                throw fail("expected \",\" or \"}\" after the value of \"\(key)\", found \(describe(index))", at: afterValue)
            }
        }
    }

    mutating func array() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        try enter()
        index += 1
        var elements: [JSONValue] = []
        elements.reserveCapacity(8)
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return JSONValue(.array([]), offset: start)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file inside an array; a \"]\" is missing") }
            if bytes[index] == UInt8(ascii: "]") { throw fail("trailing comma before \"]\"") }
            path.append(.index(elements.count))
            elements.append(try value())
            path.removeLast()
            let afterValue = index
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file inside an array; a \"]\" is missing") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return JSONValue(.array(elements), offset: start)
            default:
                throw fail("expected \",\" or \"]\" after element \(elements.count - 1), found \(describe(index))", at: afterValue)
            }
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        let text = UnsafeBufferPointer(start: word.utf8Start, count: count)
        let start = index
        for offset in 0..<count {
            guard index < bytes.count, bytes[index] == text[offset] else {
                let found = describe(index)
                index = start
                var error = fail("unexpected \(found) in a literal; expected \(word) (JSON has only true, false and null)")
                if index + offset < bytes.count, bytes[index + offset] >= 0x80 {
                    index = start + offset
                    error = fail("")
                }
                throw error
            }
            index += 1
        }
    }

    // MARK: Numbers

    mutating func number() throws(JSONSyntaxError) -> JSONNumber {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < bytes.count, isDigit(bytes[index]) else {
            throw fail("expected a digit after \"-\"")
        }
        var integer: UInt64 = 0
        var digits = 0
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) {
                throw fail("numbers must not have leading zeros")
            }
            digits = 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) {
                if digits < 19 { integer = integer &* 10 &+ UInt64(bytes[index] &- 0x30) }
                digits += 1
                index += 1
            }
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("expected a digit after the decimal point") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            isInteger = false
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("expected a digit in the exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            isInteger = false
        }
        if isInteger, digits <= 18 {
            let value = negative ? -Int64(integer) : Int64(integer)
            return JSONNumber(double: Double(value), integer: value)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let double = Double(text), double.isFinite else {
            throw JSONSyntaxError(code: .syntax, message: "number \(text) is out of range", offset: start)
        }
        var exact: Int64?
        if double.rounded(.towardZero) == double, abs(double) < 9.0e18 { exact = Int64(double) }
        return JSONNumber(double: double, integer: exact)
    }

    // MARK: Strings

    /// Reads a string starting at its opening quote, checking UTF-8 as it goes.
    mutating func string() throws(JSONSyntaxError) -> String {
        index += 1
        let start = index
        // Fast path: no escapes, ASCII or valid multi-byte UTF-8.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let result = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return result
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw controlCharacter(byte) }
            if byte < 0x80 { index += 1 } else { try utf8Sequence() }
        }
        // Slow path: escapes present; decode into a buffer.
        var buffer = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape(into: &buffer)
            case 0..<0x20:
                throw controlCharacter(byte)
            case 0..<0x80:
                buffer.append(byte)
                index += 1
            default:
                let sequenceStart = index
                try utf8Sequence()
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[sequenceStart..<index]))
            }
        }
        throw JSONSyntaxError(code: .syntax, message: "unterminated string; a closing \" is missing", offset: start - 1)
    }

    func controlCharacter(_ byte: UInt8) -> JSONSyntaxError {
        if byte == 0x0A {
            return JSONSyntaxError(code: .syntax, message: "line break inside a string; write \\n or close the string with \"", offset: index)
        }
        return JSONSyntaxError(code: .syntax, message: "control character U+\(hex4(UInt32(byte))) inside a string; escape it", offset: index)
    }

    mutating func escape(into buffer: inout [UInt8]) throws(JSONSyntaxError) {
        let escapeStart = index
        index += 1
        guard index < bytes.count else { throw fail("unterminated escape sequence") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): buffer.append(0x22)
        case UInt8(ascii: "\\"): buffer.append(0x5C)
        case UInt8(ascii: "/"): buffer.append(0x2F)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hexQuad(escapeStart)
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw JSONSyntaxError(code: .encoding, message: "unpaired UTF-16 surrogate \\u\(hex4(scalar)) in a string", offset: escapeStart)
                }
                index += 2
                let low = try hexQuad(escapeStart)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw JSONSyntaxError(code: .encoding, message: "unpaired UTF-16 surrogate \\u\(hex4(scalar)) in a string", offset: escapeStart)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw JSONSyntaxError(code: .encoding, message: "unpaired UTF-16 surrogate \\u\(hex4(scalar)) in a string", offset: escapeStart)
            }
            buffer.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
        default:
            throw JSONSyntaxError(code: .syntax, message: "invalid escape \"\\\(printable(byte))\" in a string", offset: escapeStart)
        }
    }

    mutating func hexQuad(_ escapeStart: Int) throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else {
            throw JSONSyntaxError(code: .syntax, message: "\\u must be followed by 4 hexadecimal digits", offset: escapeStart)
        }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x41 + 10)
            default:
                throw JSONSyntaxError(code: .syntax, message: "\\u must be followed by 4 hexadecimal digits", offset: escapeStart)
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Consumes one well-formed multi-byte UTF-8 sequence (RFC 3629: no overlongs, no
    /// surrogates, nothing above U+10FFFF) or throws an `encoding` error at its first byte.
    mutating func utf8Sequence() throws(JSONSyntaxError) {
        let first = bytes[index]
        let length: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch first {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upper = 0x9F
        case 0xF0: length = 4; lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upper = 0x8F
        default: throw invalidUTF8()
        }
        guard index + length <= bytes.count else { throw invalidUTF8() }
        let second = bytes[index + 1]
        guard second >= lower, second <= upper else { throw invalidUTF8() }
        for offset in 2..<max(2, length) where bytes[index + offset] & 0xC0 != 0x80 {
            throw invalidUTF8()
        }
        index += length
    }

    func invalidUTF8() -> JSONSyntaxError {
        JSONSyntaxError(code: .encoding, message: "invalid UTF-8 byte 0x\(String(bytes[index], radix: 16, uppercase: true)); manifests must be UTF-8", offset: index)
    }

    // MARK: Helpers

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    func fail(_ message: String, at position: Int? = nil) -> JSONSyntaxError {
        if index < bytes.count, bytes[index] >= 0x80 {
            // A stray non-ASCII byte outside a string: say whether it is even UTF-8.
            var probe = self
            do throws(JSONSyntaxError) { try probe.utf8Sequence() } catch {
                var error = error
                error.pointer = pointer
                return error
            }
        }
        return JSONSyntaxError(code: .syntax, message: message, offset: position ?? index, pointer: pointer)
    }

    func describe(_ position: Int) -> String {
        guard position < bytes.count else { return "end of file" }
        let byte = bytes[position]
        switch byte {
        case 0x0A: return "a line break"
        case 0x20: return "a space"
        case UInt8(ascii: "\""): return "the start of a string"
        case 0x21..<0x7F: return "\"\(printable(byte))\""
        default: return "byte 0x\(String(byte, radix: 16, uppercase: true))"
        }
    }

    func printable(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(Character(Unicode.Scalar(byte))) : "\\x\(String(byte, radix: 16))"
    }

    func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
