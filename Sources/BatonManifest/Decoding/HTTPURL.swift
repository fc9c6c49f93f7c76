/// The URL rule for HTTP tasks and webhooks, checked by hand.
///
/// Foundation's `URLComponents` would do, but it costs microseconds per call (it runs ICU's IDNA
/// on the host), which matters when validating tens of thousands of manifests. The rule is
/// deliberately simple: `http://` or `https://` (any case), an optional `user@`, a host of
/// letters, digits, `-`, `.` or an `[IPv6]` literal, an optional `:port`, then anything
/// without spaces or control characters.
enum HTTPURL {
    static func isValid(_ url: String) -> Bool {
        let bytes = Array(url.utf8)
        var index: Int
        if hasPrefix(bytes, "https://") {
            index = 8
        } else if hasPrefix(bytes, "http://") {
            index = 7
        } else {
            return false
        }
        for byte in bytes where byte <= 0x20 || byte == 0x7F { return false }
        // Authority: up to the first "/", "?" or "#".
        var end = index
        while end < bytes.count, bytes[end] != UInt8(ascii: "/"), bytes[end] != UInt8(ascii: "?"), bytes[end] != UInt8(ascii: "#") {
            end += 1
        }
        var authority = bytes[index..<end]
        if let at = authority.lastIndex(of: UInt8(ascii: "@")) { authority = authority[(at + 1)...] }
        index = authority.startIndex
        var hostEnd = authority.endIndex
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")), close > index + 1 else { return false }
            for byte in authority[(index + 1)..<close] where !(isHex(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".")) {
                return false
            }
            hostEnd = close + 1
        } else {
            if let colon = authority.firstIndex(of: UInt8(ascii: ":")) { hostEnd = colon }
            guard hostEnd > index else { return false }
            for byte in authority[index..<hostEnd] where !(isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte >= 0x80) {
                return false
            }
        }
        if hostEnd < authority.endIndex {
            guard authority[hostEnd] == UInt8(ascii: ":") else { return false }
            let port = authority[(hostEnd + 1)...]
            guard !port.isEmpty, port.count <= 5, port.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        }
        return true
    }

    private static func hasPrefix(_ bytes: [UInt8], _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard bytes.count > count else { return false }
        let text = UnsafeBufferPointer(start: prefix.utf8Start, count: count)
        for i in 0..<count where bytes[i] | 0x20 != text[i] | 0x20 { return false }
        return true
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A)
    }

    private static func isHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x66)
    }
}
