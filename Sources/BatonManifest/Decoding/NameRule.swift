/// The naming rules of the manifest language, checked byte by byte against lookup tables.
///
/// An enum rather than stored closures or a regex: the rules run for every name in every
/// manifest on every validating thread, so they must not touch shared reference counts.
enum NameRule: Sendable {
    /// Pipeline names: they become parts of paths, URLs and metric labels, so DNS-label rules.
    case pipeline
    /// Task ids: they become environment variable parts (`BATON_UPSTREAM_<TASK>_…`).
    case task
    /// Parameter names, environment variable names and output keys: valid shell identifiers.
    case identifier
    /// Secret names: they become file names under `<state>/secrets/`.
    case secret
    /// Label keys, as Kubernetes labels: people query by them.
    case label

    var explanation: String {
        switch self {
        case .pipeline: "use 1-63 lower-case letters, digits and \"-\", starting and ending with a letter or digit"
        case .task: "use 1-63 lower-case letters, digits, \"-\" and \"_\""
        case .identifier: "use letters, digits and \"_\", not starting with a digit"
        case .secret: "use letters, digits, \".\", \"_\" and \"-\""
        case .label: "use 1-63 letters, digits, \".\", \"_\", \"/\" and \"-\", starting and ending with a letter or digit"
        }
    }

    private var maxLength: Int {
        switch self {
        case .pipeline, .task, .label: 63
        case .identifier, .secret: 255
        }
    }

    /// Bits of `ByteClass` allowed at the start, in the middle and at the end of a name.
    private var allowed: (first: UInt8, middle: UInt8, last: UInt8) {
        let lower = ByteClass.lower, upper = ByteClass.upper, digit = ByteClass.digit
        let dash = ByteClass.dash, underscore = ByteClass.underscore, dot = ByteClass.dot, slash = ByteClass.slash
        switch self {
        case .pipeline: return (lower | digit, lower | digit | dash, lower | digit)
        case .task:
            let all = lower | digit | dash | underscore
            return (all, all, all)
        case .identifier: return (lower | upper | underscore, lower | upper | digit | underscore, lower | upper | digit | underscore)
        case .secret:
            let all = lower | upper | digit | dot | underscore | dash
            return (all, all, all)
        case .label:
            let edge = lower | upper | digit
            return (edge, edge | dot | underscore | dash | slash, edge)
        }
    }

    func matches(_ name: String) -> Bool {
        let count = name.utf8.count
        guard count > 0, count <= maxLength else { return false }
        let (first, middle, last) = allowed
        var index = 0
        for byte in name.utf8 {
            let mask = index == 0 ? first : (index == count - 1 ? last : middle)
            if ByteClass.of(byte) & mask == 0 { return false }
            index += 1
        }
        return true
    }
}

/// The class of each ASCII byte as a bit, so a rule is a mask test per byte.
private enum ByteClass {
    static let lower: UInt8 = 1
    static let upper: UInt8 = 2
    static let digit: UInt8 = 4
    static let dash: UInt8 = 8
    static let underscore: UInt8 = 16
    static let dot: UInt8 = 32
    static let slash: UInt8 = 64

    @inline(__always)
    static func of(_ byte: UInt8) -> UInt8 {
        switch byte {
        case 0x61...0x7A: lower
        case 0x41...0x5A: upper
        case 0x30...0x39: digit
        case 0x2D: dash
        case 0x5F: underscore
        case 0x2E: dot
        case 0x2F: slash
        default: 0
        }
    }
}
