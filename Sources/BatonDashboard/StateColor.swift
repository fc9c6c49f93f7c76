/// The state of a run, a task or an attempt as the dashboard shows it.
///
/// One enum for all three because one state must look the same everywhere: the grid's
/// squares, the pills, the DAG's nodes and the Gantt's bars all take their colour from here
/// (through the stylesheet's `--state-*` variables), and always beside a word or a tooltip so
/// colour is never the only signal.
public enum DashboardState: String, Sendable, Hashable, CaseIterable {
    case queued
    case pending
    case running
    case succeeded
    case failed
    case cancelled
    case timedOut
    case skipped
    case missed
    case cached
    /// A state this version of the dashboard does not know; shown grey, named as given.
    case unknown

    /// Reads the store's and the engine's spellings (`timedOut`, also `timed-out` and
    /// `timed_out`), so mapping a record is `DashboardState(record.state.rawValue)`.
    public init(_ raw: String) {
        let folded = raw.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " }
        self = Self.allCases.first { $0.rawValue.lowercased() == folded } ?? .unknown
    }

    /// The word shown next to (or instead of) the colour.
    public var label: String {
        switch self {
        case .timedOut: "timed out"
        default: rawValue
        }
    }

    /// Still moving: a page showing it is worth refreshing, a bar ends at "now".
    public var isActive: Bool { self == .queued || self == .pending || self == .running }

    /// The CSS class carrying the colour (`state-timedOut`).
    var cssClass: String { "state-\(rawValue)" }

    /// Light and dark fills, chosen to stay apart for the common colour-vision deficiencies
    /// (blue/orange rather than green/red as the main contrast) and to carry white or black
    /// text at WCAG AA.
    var colors: (light: String, dark: String) {
        switch self {
        case .queued: ("#8a8f98", "#9aa0a8")
        case .pending: ("#c5cad3", "#4b5160")
        case .running: ("#2f7fd8", "#4d9bf0")
        case .succeeded: ("#1f9d55", "#34c46f")
        case .failed: ("#d64545", "#f06363")
        case .cancelled: ("#b7791f", "#e0a43a")
        case .timedOut: ("#9f3fbf", "#c06ae0")
        case .skipped: ("#e2e5ea", "#373c46")
        case .missed: ("#6b4f3a", "#a9846a")
        case .cached: ("#6fcf97", "#2f8f5a")
        case .unknown: ("#a0a4ab", "#6b707a")
        }
    }
}
