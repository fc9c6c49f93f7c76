import Foundation
import Synchronization

/// The dashboard's sessions, in memory: a restart signs everyone out, which costs a paste of
/// the token and keeps no credential on disk.
///
/// Sessions expire `lifetime` after sign-in whatever their use (a stolen cookie stops working
/// within the day); sign-out deletes one at once. The table is bounded: past `capacity` the
/// oldest session goes, so repeated sign-ins cannot grow memory without end.
public final class DashboardSessions: Sendable {
    public let lifetime: TimeInterval
    let capacity: Int
    private let now: @Sendable () -> Date
    private let table = Mutex<[String: DashboardSession]>([:])

    public init(lifetime: TimeInterval = 12 * 3600, capacity: Int = 10_000, now: @escaping @Sendable () -> Date = { Date() }) {
        self.lifetime = lifetime
        self.capacity = capacity
        self.now = now
    }

    /// A new session for `identity`, with a fresh id and CSRF token (never one carried over
    /// from before sign-in, so a planted id cannot be fixed on a victim).
    func create(for identity: Identity) -> DashboardSession {
        let time = now()
        let session = DashboardSession(
            id: RandomToken.make(), identity: identity, csrfToken: RandomToken.make(), createdAt: time, expiresAt: time + lifetime)
        table.withLock { sessions in
            if sessions.count >= capacity {
                sessions = sessions.filter { $0.value.expiresAt > time }
                if sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.createdAt < $1.value.createdAt }) {
                    sessions[oldest.key] = nil
                }
            }
            sessions[session.id] = session
        }
        return session
    }

    /// The live session with this id, or nil (unknown, signed out or expired).
    func session(_ id: String) -> DashboardSession? {
        let time = now()
        return table.withLock { sessions in
            guard let session = sessions[id] else { return nil }
            guard session.expiresAt > time else {
                sessions[id] = nil
                return nil
            }
            return session
        }
    }

    /// Leaves a notice for the session's next page.
    func setFlash(_ text: String, for id: String) {
        table.withLock { $0[id]?.flash = text }
    }

    /// The notice left for this page, removed as it is read.
    func takeFlash(for id: String) -> String? {
        table.withLock { sessions in
            let flash = sessions[id]?.flash
            if flash != nil { sessions[id]?.flash = nil }
            return flash
        }
    }

    func remove(_ id: String) {
        _ = table.withLock { $0.removeValue(forKey: id) }
    }

    /// How many sessions are held, expired ones included until they are next touched.
    public var count: Int { table.withLock { $0.count } }
}
