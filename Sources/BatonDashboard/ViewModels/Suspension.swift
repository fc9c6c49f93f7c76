import Foundation

/// Why a pipeline fires no scheduled runs. Both can hold at once: the manifest says
/// `suspend: true` and an operator also suspended it; resuming clears only the operator's.
public struct Suspension: Sendable, Hashable {
    /// The manifest's `suspend: true`: lifted only by a commit.
    public var byManifest: Bool
    /// An operator's `baton suspend`: lifted by resume.
    public var byOperator: OperatorSuspension?

    public init(byManifest: Bool = false, byOperator: OperatorSuspension? = nil) {
        self.byManifest = byManifest
        self.byOperator = byOperator
    }

    public static let none = Suspension()

    public var isSuspended: Bool { byManifest || byOperator != nil }
}

/// Who suspended a pipeline by hand, when and why: the audit's answer, shown on the badge.
public struct OperatorSuspension: Sendable, Hashable {
    public var actor: String
    public var reason: String?
    public var since: Date?

    public init(actor: String, reason: String? = nil, since: Date? = nil) {
        self.actor = actor
        self.reason = reason
        self.since = since
    }
}
