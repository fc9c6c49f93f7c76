/// An `application/x-www-form-urlencoded` body: what the dashboard's forms post.
///
/// Parsed by hand rather than decoded into a type because the trigger form's fields are
/// dynamic (`param.NAME` for each declared parameter). A repeated field keeps its first value.
struct FormFields: Sendable, Hashable {
    private(set) var fields: [String: String] = [:]

    /// nil when the body is not valid form encoding (bad `%` escapes, not UTF-8).
    init?(_ body: some Collection<UInt8>) {
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { return nil }
            guard let value = parts.count > 1 ? Self.decode(parts[1]) : "" else { return nil }
            if fields[name] == nil { fields[name] = value }
        }
    }

    subscript(_ name: String) -> String? { fields[name] }

    /// The fields whose names start with `prefix`, with the prefix removed.
    func withPrefix(_ prefix: String) -> [String: String] {
        var out: [String: String] = [:]
        for (name, value) in fields where name.hasPrefix(prefix) && name.count > prefix.count {
            out[String(name.dropFirst(prefix.count))] = value
        }
        return out
    }

    /// `+` is a space; `%XX` a byte; the bytes must be UTF-8.
    static func decode(_ encoded: some Collection<UInt8>) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encoded.count)
        var iterator = encoded.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(HexDigit.value), let low = iterator.next().flatMap(HexDigit.value) else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
