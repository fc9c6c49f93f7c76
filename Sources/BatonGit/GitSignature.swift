import Foundation

/// A person and a moment, as recorded in a commit (author or committer).
public struct GitSignature: Sendable, Hashable {
    public var name: String
    public var email: String
    public var time: Date
    /// The signer's UTC offset in minutes, as written in the commit: kept so a status page
    /// can show the time as the person saw it.
    public var utcOffsetMinutes: Int

    public init(name: String, email: String, time: Date, utcOffsetMinutes: Int) {
        self.name = name
        self.email = email
        self.time = time
        self.utcOffsetMinutes = utcOffsetMinutes
    }
}
