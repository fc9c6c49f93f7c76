/// The naming rules of the manifest language, checked byte by byte.
///
/// An enum with a `switch` rather than stored closures or a regex: the rules run for every
/// name in every manifest, and shared closure contexts would be retained and released on
/// every call from every validating thread.
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

    func matches(_ name: String) -> Bool {
        let count = name.utf8.count
        guard count > 0, count <= maxLength else { return false }
        var index = 0
        for byte in name.utf8 {
            let position: Position = index == 0 ? .first : (index == count - 1 ? .last : .middle)
            if !allows(byte, at: position) { return false }
            index += 1
        }
        return true
    }

    private enum Position { case first, middle, last }

    private func allows(_ b: UInt8, at position: Position) -> Bool {
        let lower = b >= 0x61 && b <= 0x7A
        let upper = b >= 0x41 && b <= 0x5A
        let digit = b >= 0x30 && b <= 0x39
        switch self {
        case .pipeline:
            return lower || digit || (position == .middle && b == 0x2D)
        case .task:
            return lower || digit || b == 0x2D || b == 0x5F
        case .identifier:
            return lower || upper || b == 0x5F || (position != .first && digit)
        case .secret:
            return lower || upper || digit || b == 0x2E || b == 0x5F || b == 0x2D
        case .label:
            return lower || upper || digit || (position == .middle && (b == 0x2E || b == 0x5F || b == 0x2D || b == 0x2F))
        }
    }
}
