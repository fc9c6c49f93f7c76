import Foundation

/// The daemon's status row: who runs, since when, and how its last pass went.
public protocol DaemonStore: Sendable {
    /// The daemon's status row; nil when no daemon ever ran on this store.
    func daemon() async throws(StoreError) -> DaemonRecord?

    /// Saves the daemon's status row.
    func saveDaemon(_ record: DaemonRecord) async throws(StoreError)
}
