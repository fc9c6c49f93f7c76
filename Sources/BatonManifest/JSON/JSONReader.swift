/// A strict RFC 8259 reader that keeps the position of every value.
///
/// Strict on purpose: a manifest that some other tool reads differently (a trailing comma, a
/// comment, a duplicate key whose "winner" depends on the parser) must be refused before it
/// merges, not discovered at 2 a.m. It reads bytes, not `String`, because validation of tens
/// of thousands of manifests a second is a goal and UTF-8 is checked as part of the one pass.
/// It produces a `JSONTape`; `read(_:)` also builds the `JSONValue` tree from it.
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

    /// Reads one JSON document as a tree; throws at the first syntax or encoding error.
    public func read(_ bytes: [UInt8]) throws(JSONSyntaxError) -> Document {
        let tape = try readTape(bytes)
        return Document(root: tape.tree(), duplicateKeys: tape.duplicateKeys)
    }

    /// Reads one JSON document as a tape; throws at the first syntax or encoding error.
    public func readTape(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONTape {
        guard bytes.count <= Self.maximumSize else {
            throw JSONSyntaxError(
                code: .tooLarge,
                message: "file is \(bytes.count) bytes; a manifest may be at most \(Self.maximumSize) bytes (1 MiB)",
                offset: 0)
        }
        let result: Result<JSONTape, JSONSyntaxError> = bytes.withUnsafeBufferPointer { buffer in
            var parser = Parser(bytes: buffer)
            parser.nodes.reserveCapacity(bytes.count / 8 + 4)
            do throws(JSONSyntaxError) {
                try parser.document()
                return .success(JSONTape(bytes: buffer, nodes: parser.nodes, duplicateKeys: parser.duplicates))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

private struct Parser {
    typealias Node = JSONTape.Node
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0
    var nodes: [Node] = []
    var duplicates: [JSONSyntaxError] = []
    /// The path to the value being read, as key node indices and array positions; turned into
    /// a pointer only when an error needs it.
    var path: [PathComponent] = []
    /// Key nodes of the objects being read, for duplicate detection.
    var keyStack: [Int32] = []

    enum PathComponent {
        case key(Int)
        case index(Int)
    }

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var pointer: String {
        var text = ""
        for component in path {
            switch component {
            case .index(let i): text += "/\(i)"
            case .key(let node):
                let key = keyText(node)
                text += "/" + key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
            }
        }
        return text
    }

    func keyText(_ node: Int) -> String {
        let start = Int(nodes[node].start) + 1
        let end = Int(nodes[node].end) - 1
        if nodes[node].flags & Node.hasEscapes == 0 {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        return JSONEscapes.decode(bytes.baseAddress!, from: start, to: end)
    }

    mutating func document() throws(JSONSyntaxError) {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            throw JSONSyntaxError(code: .encoding, message: "file starts with a UTF-8 byte order mark; save it as UTF-8 without BOM", offset: 0)
        }
        skipWhitespace()
        guard index < bytes.count else {
            throw fail("file is empty; a manifest is one JSON object")
        }
        try value()
        skipWhitespace()
        if index < bytes.count {
            throw fail("unexpected \(describe(index)) after the end of the JSON document")
        }
    }

    // MARK: Values

    mutating func scalar(_ type: JSONTape.NodeType, flags: UInt8 = 0, start: Int, integer: Int64 = 0, double: Double = 0) {
        let me = Int32(nodes.count)
        nodes.append(Node(type: type, flags: flags, start: Int32(start), end: Int32(index), count: 0, next: me + 1, integer: integer, double: double))
    }

    mutating func value() throws(JSONSyntaxError) {
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "{"): try object()
        case UInt8(ascii: "["): try array()
        case UInt8(ascii: "\""):
            let flags = try string()
            scalar(.string, flags: flags, start: start)
        case UInt8(ascii: "t"): try literal("true"); scalar(.bool, flags: Node.isTrue, start: start)
        case UInt8(ascii: "f"): try literal("false"); scalar(.bool, start: start)
        case UInt8(ascii: "n"): try literal("null"); scalar(.null, start: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let number = try number()
            scalar(.number, flags: number.integer != nil ? Node.isInteger : 0, start: start, integer: number.integer ?? 0, double: number.double)
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

    /// Appends the container's node; `close` fills in its size and extent.
    mutating func open(_ type: JSONTape.NodeType) -> Int {
        nodes.append(Node(type: type, flags: 0, start: Int32(index), end: 0, count: 0, next: 0, integer: 0, double: 0))
        return nodes.count - 1
    }

    mutating func close(_ me: Int, count: Int) {
        nodes[me].count = Int32(count)
        nodes[me].end = Int32(index)
        nodes[me].next = Int32(nodes.count)
    }

    mutating func object() throws(JSONSyntaxError) {
        let me = open(.object)
        try enter()
        index += 1
        let keysBase = keyStack.count
        defer { keyStack.removeLast(keyStack.count - keysBase) }
        // A 64-bit signature set of this object's keys: a new key whose signature bit is unset
        // cannot repeat an earlier one, so most keys skip the pairwise comparison entirely.
        var signatures: UInt64 = 0
        /// For objects with very many keys, duplicate checks switch from pairwise to hashing.
        var manyKeys: Set<String>?
        var count = 0
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            close(me, count: 0)
            return
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file inside an object; a \"}\" is missing") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                if bytes[index] == UInt8(ascii: "}") { throw fail("trailing comma before \"}\"") }
                if bytes[index] == UInt8(ascii: "/") { throw fail("comments are not allowed in JSON") }
                throw fail("expected a field name in double quotes, found \(describe(index))")
            }
            let keyStart = index
            let keyNode = nodes.count
            let keyFlags = try string()
            scalar(.string, flags: keyFlags, start: keyStart)
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else {
                throw fail("expected \":\" after field name \"\(keyText(keyNode))\", found \(describe(index))")
            }
            index += 1
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file; a value for \"\(keyText(keyNode))\" is missing") }
            path.append(.key(keyNode))
            try value()
            let signature = keySignature(keyNode)
            let mightRepeat = signatures & signature != 0
            signatures |= signature
            if !mightRepeat, manyKeys == nil, keyStack.count - keysBase < 32 {
                keyStack.append(Int32(keyNode))
            } else if let first = firstOccurrence(of: keyNode, since: keysBase, manyKeys: &manyKeys) {
                nodes[keyNode].flags |= Node.isDuplicate
                duplicates.append(JSONSyntaxError(
                    code: .duplicateKey,
                    message: "duplicate field \"\(keyText(keyNode))\" (first given at byte \(first)); only one is allowed",
                    offset: keyStart, pointer: pointer))
            }
            path.removeLast()
            count += 1
            let afterValue = index
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file inside an object; a \"}\" is missing") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                close(me, count: count)
                return
            default:
                throw fail("expected \",\" or \"}\" after the value of \"\(keyText(keyNode))\", found \(describe(index))", at: afterValue)
            }
        }
    }

    /// One bit chosen by a key's raw length and last two bytes. A key written with escapes
    /// sets every bit: its raw bytes say nothing about its text, so it and every later key of
    /// the object get the exact comparison.
    func keySignature(_ keyNode: Int) -> UInt64 {
        let node = nodes[keyNode]
        if node.flags & Node.hasEscapes != 0 { return .max }
        let length = Int(node.end - node.start)
        let last = bytes[Int(node.end) - 2]
        let beforeLast = length > 3 ? bytes[Int(node.end) - 3] : 0
        let hash = (length &* 31 &+ Int(last) &* 7 &+ Int(beforeLast)) % 63
        return 1 << UInt64(hash)
    }

    /// The byte offset of an earlier key equal to `keyNode` in the same object, or `nil` (and
    /// the key is remembered).
    mutating func firstOccurrence(of keyNode: Int, since base: Int, manyKeys: inout Set<String>?) -> Int? {
        if manyKeys == nil, keyStack.count - base >= 32 {
            var set = Set<String>()
            for k in keyStack[base...] { set.insert(keyText(Int(k))) }
            manyKeys = set
        }
        if manyKeys != nil {
            let text = keyText(keyNode)
            if manyKeys!.contains(text) {
                let first = keyStack[base...].first { keyText(Int($0)) == text }!
                return Int(nodes[Int(first)].start)
            }
            manyKeys!.insert(text)
            keyStack.append(Int32(keyNode))
            return nil
        }
        for k in keyStack[base...] where sameKey(keyNode, Int(k)) {
            return Int(nodes[Int(k)].start)
        }
        keyStack.append(Int32(keyNode))
        return nil
    }

    func sameKey(_ aIndex: Int, _ bIndex: Int) -> Bool {
        let a = nodes[aIndex]
        let b = nodes[bIndex]
        if a.flags & Node.hasEscapes != 0 || b.flags & Node.hasEscapes != 0 {
            return keyText(aIndex) == keyText(bIndex)
        }
        let length = Int(a.end - a.start)
        guard length == Int(b.end - b.start) else { return false }
        var i = 0
        while i < length {
            if bytes[Int(a.start) + i] != bytes[Int(b.start) + i] { return false }
            i += 1
        }
        return true
    }

    mutating func array() throws(JSONSyntaxError) {
        let me = open(.array)
        try enter()
        index += 1
        var count = 0
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            close(me, count: 0)
            return
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file inside an array; a \"]\" is missing") }
            if bytes[index] == UInt8(ascii: "]") { throw fail("trailing comma before \"]\"") }
            path.append(.index(count))
            try value()
            path.removeLast()
            count += 1
            let afterValue = index
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file inside an array; a \"]\" is missing") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                close(me, count: count)
                return
            default:
                throw fail("expected \",\" or \"]\" after element \(count - 1), found \(describe(index))", at: afterValue)
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
            throw JSONSyntaxError(code: .syntax, message: "number \(text) is out of range", offset: start, pointer: pointer)
        }
        var exact: Int64?
        if double.rounded(.towardZero) == double, abs(double) < 9.0e18 { exact = Int64(double) }
        return JSONNumber(double: double, integer: exact)
    }

    // MARK: Strings

    /// Checks a string starting at its opening quote (escapes, control characters, UTF-8)
    /// and moves past its closing quote; returns the node flags (whether it has escapes).
    mutating func string() throws(JSONSyntaxError) -> UInt8 {
        index += 1
        let start = index
        var flags: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return flags
            }
            if byte == UInt8(ascii: "\\") {
                flags = Node.hasEscapes
                try escape()
            } else if byte < 0x20 {
                throw controlCharacter(byte)
            } else if byte < 0x80 {
                index += 1
            } else {
                try utf8Sequence()
            }
        }
        throw JSONSyntaxError(code: .syntax, message: "unterminated string; a closing \" is missing", offset: start - 1, pointer: pointer)
    }

    func controlCharacter(_ byte: UInt8) -> JSONSyntaxError {
        if byte == 0x0A {
            return JSONSyntaxError(code: .syntax, message: "line break inside a string; write \\n or close the string with \"", offset: index, pointer: pointer)
        }
        return JSONSyntaxError(code: .syntax, message: "control character U+\(hex4(UInt32(byte))) inside a string; escape it", offset: index, pointer: pointer)
    }

    mutating func escape() throws(JSONSyntaxError) {
        let escapeStart = index
        index += 1
        guard index < bytes.count else { throw fail("unterminated escape sequence") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return
        case UInt8(ascii: "u"):
            let scalar = try hexQuad(escapeStart)
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw JSONSyntaxError(code: .encoding, message: "unpaired UTF-16 surrogate \\u\(hex4(scalar)) in a string", offset: escapeStart, pointer: pointer)
                }
                index += 2
                let low = try hexQuad(escapeStart)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw JSONSyntaxError(code: .encoding, message: "unpaired UTF-16 surrogate \\u\(hex4(scalar)) in a string", offset: escapeStart, pointer: pointer)
                }
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw JSONSyntaxError(code: .encoding, message: "unpaired UTF-16 surrogate \\u\(hex4(scalar)) in a string", offset: escapeStart, pointer: pointer)
            }
        default:
            throw JSONSyntaxError(code: .syntax, message: "invalid escape \"\\\(printable(byte))\" in a string", offset: escapeStart, pointer: pointer)
        }
    }

    mutating func hexQuad(_ escapeStart: Int) throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else {
            throw JSONSyntaxError(code: .syntax, message: "\\u must be followed by 4 hexadecimal digits", offset: escapeStart, pointer: pointer)
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
                throw JSONSyntaxError(code: .syntax, message: "\\u must be followed by 4 hexadecimal digits", offset: escapeStart, pointer: pointer)
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
        JSONSyntaxError(code: .encoding, message: "invalid UTF-8 byte 0x\(String(bytes[index], radix: 16, uppercase: true)); manifests must be UTF-8", offset: index, pointer: pointer)
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
