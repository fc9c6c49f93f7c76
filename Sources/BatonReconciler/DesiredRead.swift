import BatonManifest
import BatonStore

/// What the read step learned about a commit: the wanted pipelines within a scope, every
/// diagnostic, and how the manifest index must change.
struct DesiredRead: Sendable {
    /// All names (a full read) or only those a diff touched (an incremental one).
    var scope: Planner.Scope
    var pipelines: [String: DesiredPipeline]
    var diagnostics: [Diagnostic]
    var indexUpserts: [ManifestIndexEntry]
    var indexDeletions: [String]

    /// No error among the diagnostics.
    var isValid: Bool { !diagnostics.contains { $0.severity == .error } }
}

extension Planner.Scope {
    var isAll: Bool {
        if case .all = self { return true }
        return false
    }
}
