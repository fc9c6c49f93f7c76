/// The naming rules of the manifest language, checked byte by byte (no regex engine in the
/// hot path of validation).
struct NameRule: Sendable {
    let explanation: String
    private let maxLength: Int
    private let first: @Sendable (UInt8) -> Bool
    private let middle: @Sendable (UInt8) -> Bool
    private let last: @Sendable (UInt8) -> Bool

    func matches(_ name: String) -> Bool {
        let utf8 = name.utf8
        guard !utf8.isEmpty, utf8.count <= maxLength else { return false }
        var index = 0
        let count = utf8.count
        for byte in utf8 {
            let ok = index == 0 ? first(byte) : (index == count - 1 ? last(byte) : middle(byte))
            if !ok { return false }
            index += 1
        }
        return true
    }

    private static func lower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7A }
    private static func upper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
    private static func digit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// Pipeline names: they become parts of paths, URLs and metric labels, so DNS-label rules.
    static let pipeline = NameRule(
        explanation: "use 1-63 lower-case letters, digits and \"-\", starting and ending with a letter or digit",
        maxLength: 63,
        first: { lower($0) || digit($0) },
        middle: { lower($0) || digit($0) || $0 == 0x2D },
        last: { lower($0) || digit($0) })

    /// Task ids: they become environment variable parts (`BATON_UPSTREAM_<TASK>_…`).
    static let task = NameRule(
        explanation: "use 1-63 lower-case letters, digits, \"-\" and \"_\"",
        maxLength: 63,
        first: { lower($0) || digit($0) || $0 == 0x2D || $0 == 0x5F },
        middle: { lower($0) || digit($0) || $0 == 0x2D || $0 == 0x5F },
        last: { lower($0) || digit($0) || $0 == 0x2D || $0 == 0x5F })

    /// Parameter names, environment variable names and output keys: valid shell identifiers.
    static let identifier = NameRule(
        explanation: "use letters, digits and \"_\", not starting with a digit",
        maxLength: 255,
        first: { lower($0) || upper($0) || $0 == 0x5F },
        middle: { lower($0) || upper($0) || digit($0) || $0 == 0x5F },
        last: { lower($0) || upper($0) || digit($0) || $0 == 0x5F })

    /// Secret names: they become file names under `<state>/secrets/`.
    static let secret = NameRule(
        explanation: "use letters, digits, \".\", \"_\" and \"-\"",
        maxLength: 255,
        first: { lower($0) || upper($0) || digit($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D },
        middle: { lower($0) || upper($0) || digit($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D },
        last: { lower($0) || upper($0) || digit($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D })

    /// Label keys, as Kubernetes labels: people query by them.
    static let label = NameRule(
        explanation: "use 1-63 letters, digits, \".\", \"_\", \"/\" and \"-\", starting and ending with a letter or digit",
        maxLength: 63,
        first: { lower($0) || upper($0) || digit($0) },
        middle: { lower($0) || upper($0) || digit($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D || $0 == 0x2F },
        last: { lower($0) || upper($0) || digit($0) })
}
