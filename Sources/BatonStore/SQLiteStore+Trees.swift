import GRDB

extension SQLiteStore {
    /// The tree ids that runs may still execute in: those of every active pipeline's current
    /// version and of every queued or running run, whichever process owns it (`baton run`
    /// and `retry` record their run as running before its first task). Read in one
    /// transaction, so a version replaced while it is read is seen either live or not.
    public func treesInUse() async throws(StoreError) -> Set<String> {
        try await read { db in
            Set(try String.fetchAll(db, sql: """
                SELECT v.treeID FROM pipeline p JOIN pipeline_version v ON v.id = p.currentVersionID WHERE p.state = 'active'
                UNION
                SELECT v.treeID FROM run r JOIN pipeline_version v ON v.id = r.versionID WHERE r.state IN ('queued', 'running')
                """))
        }
    }
}
