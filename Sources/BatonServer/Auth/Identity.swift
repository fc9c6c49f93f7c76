/// Who a request comes from: the name of the token it presented (the actor recorded in the
/// audit log for its writes) and what that token may do.
public struct Identity: Sendable, Hashable, Codable {
    public var name: String
    public var role: Role

    public init(name: String, role: Role) {
        self.name = name
        self.role = role
    }

    /// Whether this identity may do what `required` allows (`operate` implies `read`).
    public func allows(_ required: Role) -> Bool { role >= required }
}

/// What a token may do: `read` sees everything, `operate` also triggers, cancels, retries,
/// suspends, resumes and reconciles.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case read
    case operate

    public static func < (lhs: Role, rhs: Role) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        switch self {
        case .read: 0
        case .operate: 1
        }
    }
}
