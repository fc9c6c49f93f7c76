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
            let ordered = sortKeys ? members.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) } : members
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
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{c}": out += "\\f"
            case let s where s.value < 0x20:
                let hex = String(s.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
