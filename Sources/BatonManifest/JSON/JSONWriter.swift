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
        var out = ""
        withExtendedLifetime(tape) {
            write(UnsafePointer(tape.nodes.baseAddress!), UnsafePointer(tape.bytes.baseAddress!), 0, into: &out)
        }
        return out
    }

    private static func write(_ nodes: UnsafePointer<JSONTape.Node>, _ bytes: UnsafePointer<UInt8>, _ index: Int, into out: inout String) {
        let node = nodes[index]
        switch node.type {
        case .null: out += "null"
        case .bool: out += node.flags & JSONTape.Node.isTrue != 0 ? "true" : "false"
        case .number:
            if node.flags & JSONTape.Node.isInteger != 0 { out += String(node.integer) } else { out += "\(node.double)" }
        case .string: writeString(JSONTape.string(nodes, bytes, index), into: &out)
        case .array:
            out += "["
            var child = index + 1
            for position in 0..<Int(node.count) {
                if position > 0 { out += "," }
                write(nodes, bytes, child, into: &out)
                child = Int(nodes[child].next)
            }
            out += "]"
        case .object:
            var members: [(key: String, value: Int)] = []
            members.reserveCapacity(Int(node.count))
            var key = index + 1
            for _ in 0..<node.count {
                let value = key + 1
                if nodes[key].flags & JSONTape.Node.isDuplicate == 0 { members.append((JSONTape.string(nodes, bytes, key), value)) }
                key = Int(nodes[value].next)
            }
            members.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            out += "{"
            for (position, member) in members.enumerated() {
                if position > 0 { out += "," }
                writeString(member.key, into: &out)
                out += ":"
                write(nodes, bytes, member.value, into: &out)
            }
            out += "}"
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
