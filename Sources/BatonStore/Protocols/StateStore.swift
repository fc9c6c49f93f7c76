/// What Baton knows and has done: the source, the judged revisions, the pipelines and their
/// versions, the audit log, the runs, the backfills, the watched folders and the daemon's status.
///
/// The rest of Baton talks to these protocols, never to a database, so that SQLite (the
/// embedded default) and a networked store are interchangeable; both must pass the same
/// contract tests (`StateStoreContract`). Each part is a protocol of its own, so a second
/// store is written and reviewed one cohesive piece at a time. Methods are `async` because a
/// networked store is; reads return plain value types.
public typealias StateStore = RevisionStore & PipelineStore & RunStore & BackfillStore & FileWatchStore & DaemonStore
