import CGit2

/// A Git object id (SHA-1), as 40 lowercase hex digits.
///
/// Kept as a string rather than libgit2's `git_oid` so it can cross actors, be stored and be
/// printed without touching C; conversion happens only at the libgit2 boundary.
public struct GitObjectID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let hex: String

    /// Nil unless `hex` is exactly 40 hex digits (any case; stored lowercase).
    public init?(hex: String) {
        let lower = hex.lowercased()
        guard lower.utf8.count == 40, lower.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else { return nil }
        self.hex = lower
    }

    init(_ oid: git_oid) {
        var oid = oid
        var buffer = [CChar](repeating: 0, count: 40)
        git_oid_fmt(&buffer, &oid)
        self.hex = String(decoding: buffer.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    init(_ oid: UnsafePointer<git_oid>) { self.init(oid.pointee) }

    var oid: git_oid {
        var oid = git_oid()
        git_oid_fromstr(&oid, hex)
        return oid
    }

    /// The first 7 digits, for messages.
    public var short: String { String(hex.prefix(7)) }
    public var description: String { hex }
    public static func < (lhs: GitObjectID, rhs: GitObjectID) -> Bool { lhs.hex < rhs.hex }
}
