import Foundation

/// Who asks for an operation: recorded with every write (the audit log for suspend and
/// resume, the run for trigger, cancel and retry), so "who paused this, who started that"
/// has an answer whichever face of Baton they used.
public struct OperationActor: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// An operating-system user, at the command line.
        case user
        /// An API token, by the name its line in the tokens file gives it.
        case token
    }

    public var kind: Kind
    public var name: String

    public init(kind: Kind, name: String) {
        self.kind = kind
        self.name = name
    }

    /// The user this process runs as (effective uid), as the audit log has always named
    /// operators.
    public static var operatingSystemUser: OperationActor {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            return OperationActor(kind: .user, name: String(cString: name))
        }
        return OperationActor(kind: .user, name: ProcessInfo.processInfo.environment["USER"] ?? String(geteuid()))
    }

    /// An API token's name.
    public static func token(_ name: String) -> OperationActor {
        OperationActor(kind: .token, name: name)
    }

    /// The name, as the audit log and the run record hold it.
    public var description: String { name }
}
