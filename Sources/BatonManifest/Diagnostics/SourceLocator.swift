/// Turns byte offsets into 1-based lines and columns.
///
/// Positions are kept as byte offsets while reading (cheap) and converted only for the few
/// values that have a problem. The line index is built on first use, once per file.
public struct SourceLocator: Sendable {
    private let bytes: [UInt8]
    private var lineStarts: [Int] = []

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private var lookups = 0

    /// Line and column of a byte offset; the column counts Unicode scalars, not bytes.
    /// The first lookup scans from the start (most files need one: the name's position);
    /// later ones build a line index so a file with many problems stays linear.
    public mutating func location(of offset: Int) -> (line: Int, column: Int) {
        lookups += 1
        if lookups == 1 {
            let clamped = min(max(offset, 0), bytes.count)
            var line = 1
            var column = 1
            for index in 0..<clamped {
                let byte = bytes[index]
                if byte == 0x0A {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
            }
            return (line, column)
        }
        if lineStarts.isEmpty {
            lineStarts.append(0)
            for (index, byte) in bytes.enumerated() where byte == 0x0A {
                lineStarts.append(index + 1)
            }
        }
        let clamped = min(max(offset, 0), bytes.count)
        // Last line start <= offset.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
        }
        var column = 1
        var index = lineStarts[low]
        while index < clamped {
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return (low + 1, column)
    }
}

extension SourceLocator {
    /// Whether the JSON string starting (at its quote) at `offset` was written with escapes,
    /// i.e. its text in the file is not its decoded UTF-8 byte for byte. Columns inside a
    /// string can be pointed at exactly only when it was not.
    public func hasEscapes(from offset: Int, decodedLength: Int) -> Bool {
        let end = offset + 1 + decodedLength
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return true }
        return bytes[(offset + 1)..<end].contains(UInt8(ascii: "\\"))
    }
}
