import Foundation

/// One `Range: bytes=…` of a log, as RFC 9110 spells it: `bytes=N-M`, `bytes=N-` or the
/// suffix `bytes=-S` (the last S bytes). One range only: a log is read front to back, and
/// several ranges would need a multipart body no client of a log wants.
enum ByteRange: Sendable, Hashable {
    /// From `first` to `last` included, or to the end when `last` is nil.
    case from(UInt64, through: UInt64?)
    /// The last this-many bytes.
    case suffix(UInt64)

    enum Problem: Error, Equatable {
        /// Not `bytes=` followed by one well-formed range.
        case malformed
        /// Well-formed but a unit other than bytes: ignored, as RFC 9110 asks.
        case otherUnit
        /// More than one range.
        case several
        /// A last byte before the first (`bytes=5-3`): well-formed, but selects nothing.
        case inverted
    }

    static func parse(_ header: String) throws(Problem) -> ByteRange {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard let equals = text.firstIndex(of: "=") else { throw .malformed }
        let unit = text[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
        guard unit == "bytes" else {
            if unit.isEmpty || !unit.allSatisfy({ $0.isLetter }) { throw .malformed }
            throw .otherUnit
        }
        let spec = text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        if spec.contains(",") { throw .several }
        guard let dash = spec.firstIndex(of: "-") else { throw .malformed }
        let first = spec[..<dash], last = spec[spec.index(after: dash)...]
        guard first.allSatisfy(\.isASCIIDigit), last.allSatisfy(\.isASCIIDigit) else { throw .malformed }
        if first.isEmpty {
            guard let count = UInt64(last) else { throw .malformed }
            return .suffix(count)
        }
        guard let start = UInt64(first) else { throw .malformed }
        if last.isEmpty { return .from(start, through: nil) }
        guard let end = UInt64(last) else { throw .malformed }
        guard end >= start else { throw .inverted }
        return .from(start, through: end)
    }

    /// The bytes `start..<end` this range selects of a log of `size` bytes, or nil when it
    /// selects none (a start at or past the end, an empty suffix): a 416.
    func resolve(size: UInt64) -> Range<UInt64>? {
        switch self {
        case let .from(start, through: last):
            guard start < size else { return nil }
            let end = last.map { min($0, size - 1) + 1 } ?? size
            return start..<end
        case let .suffix(count):
            guard count > 0, size > 0 else { return nil }
            return (size - min(count, size))..<size
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
