/// Writes a `JSONValue` back as text.
///
/// The canonical form (sorted keys, no spaces, integers without a fraction, numbers in their
/// shortest round-trip form) is what spec hashes are computed over, so that reformatting a
/// manifest, reordering its keys or moving its file is never a change.
public enum JSONWriter {
    /// Compact text with keys sorted by their UTF-8 bytes.
    public static func canonical(_ value: JSONValue) -> String {
        var out = ""
        write(value, into: &out, sortKeys: true, indent: nil, level: 0)
        return out
    }

    /// The canonical text of a parsed tape, without building a tree: what spec hashes of a
    /// whole repository are computed with. Same output as `canonical(tape.tree())`; a
    /// duplicated key keeps its first value, as the tree does.
    public static func canonical(_ tape: JSONTape) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(tape.bytes.count)
        withExtendedLifetime(tape) {
            write(UnsafePointer(tape.nodes.baseAddress!), UnsafePointer(tape.bytes.baseAddress!), 0, into: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes, not `String` appends: a string without escapes is copied from the document as
    /// it stands (its canonical form is its source text), which is nearly every string.
    private static func write(_ nodes: UnsafePointer<JSONTape.Node>, _ bytes: UnsafePointer<UInt8>, _ index: Int, into out: inout [UInt8]) {
        let node = nodes[index]
        switch node.type {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool: out.append(contentsOf: (node.flags & JSONTape.Node.isTrue != 0 ? "true" : "false").utf8)
        case .number:
            if node.flags & JSONTape.Node.isInteger != 0 { out.append(contentsOf: String(node.integer).utf8) } else { out.append(contentsOf: "\(node.double)".utf8) }
        case .string: writeString(nodes, bytes, index, into: &out)
        case .array:
            out.append(UInt8(ascii: "["))
            var child = index + 1
            for position in 0..<Int(node.count) {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                write(nodes, bytes, child, into: &out)
                child = Int(nodes[child].next)
            }
            out.append(UInt8(ascii: "]"))
        case .object:
            var members: [(key: Int, value: Int)] = []
            members.reserveCapacity(Int(node.count))
            var escapedKeys = false
            var key = index + 1
            for _ in 0..<node.count {
                let value = key + 1
                if nodes[key].flags & JSONTape.Node.isDuplicate == 0 {
                    members.append((key, value))
                    escapedKeys = escapedKeys || nodes[key].flags & JSONTape.Node.hasEscapes != 0
                }
                key = Int(nodes[value].next)
            }
            if escapedKeys {
                members.sort { JSONTape.string(nodes, bytes, $0.key).utf8.lexicographicallyPrecedes(JSONTape.string(nodes, bytes, $1.key).utf8) }
            } else {
                // Unescaped keys: the bytes between the quotes are the key's UTF-8.
                func text(_ key: Int) -> UnsafeBufferPointer<UInt8> {
                    UnsafeBufferPointer(start: bytes + Int(nodes[key].start) + 1, count: Int(nodes[key].end - nodes[key].start) - 2)
                }
                members.sort { text($0.key).lexicographicallyPrecedes(text($1.key)) }
            }
            out.append(UInt8(ascii: "{"))
            for (position, member) in members.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                writeString(nodes, bytes, member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(nodes, bytes, member.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ nodes: UnsafePointer<JSONTape.Node>, _ bytes: UnsafePointer<UInt8>, _ index: Int, into out: inout [UInt8]) {
        let node = nodes[index]
        if node.flags & JSONTape.Node.hasEscapes == 0 {
            out.append(contentsOf: UnsafeBufferPointer(start: bytes + Int(node.start), count: Int(node.end - node.start)))
        } else {
            var text = ""
            writeString(JSONTape.string(nodes, bytes, index), into: &text)
            out.append(contentsOf: text.utf8)
        }
    }

    /// Indented text in the original key order, for people.
    public static func pretty(_ value: JSONValue) -> String {
        var out = ""
        write(value, into: &out, sortKeys: false, indent: "  ", level: 0)
        return out + "\n"
    }

    private static func write(_ value: JSONValue, into out: inout String, sortKeys: Bool, indent: String?, level: Int) {
        switch value.kind {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let number):
            if let integer = number.integer { out += String(integer) } else { out += "\(number.double)" }
        case .string(let text): writeString(text, into: &out)
        case .array(let elements):
            guard !elements.isEmpty else { out += "[]"; return }
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += "," }
                newline(&out, indent, level + 1)
                write(element, into: &out, sortKeys: sortKeys, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out += "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            let ordered = sortKeys ? members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } : members
            out += "{"
            for (index, member) in ordered.enumerated() {
                if index > 0 { out += "," }
                newline(&out, indent, level + 1)
                writeString(member.key, into: &out)
                out += indent == nil ? ":" : ": "
                write(member.value, into: &out, sortKeys: sortKeys, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out += "}"
        }
    }

    private static func newline(_ out: inout String, _ indent: String?, _ level: Int) {
        guard let indent else { return }
        out += "\n" + String(repeating: indent, count: level)
    }

    private static func writeString(_ text: String, into out: inout String) {
        out += "\""
        // Copy runs that need no escaping in one append each.
        let utf8 = text.utf8
        var runStart = utf8.startIndex
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            let escape: String?
            switch byte {
            case UInt8(ascii: "\""): escape = "\\\""
            case UInt8(ascii: "\\"): escape = "\\\\"
            case 0x0A: escape = "\\n"
            case 0x0D: escape = "\\r"
            case 0x09: escape = "\\t"
            case 0x08: escape = "\\b"
            case 0x0C: escape = "\\f"
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                escape = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escape = nil
            }
            if let escape {
                out += text[runStart..<index]
                out += escape
                runStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        out += text[runStart..<index]
        out += "\""
    }
}
