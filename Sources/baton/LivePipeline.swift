import BatonStore

/// A live pipeline's current version, as the commands that name a pipeline (`run NAME`,
/// `trigger`, `suspend`, `resume`) look it up, with the one usage error for a name that is
/// not live.
enum LivePipeline {
    static func currentVersion(_ name: String, in store: SQLiteStore, hint: String = "") async throws(CommandFailure) -> PipelineVersion {
        do {
            guard let record = try await store.pipelines(named: [name]).first, record.state == .active,
                  let version = try await store.currentVersions(of: [name]).first
            else {
                throw CommandFailure("no live pipeline named \"\(name)\"; `baton status` lists them\(hint)", exitCode: 2, code: "unknown-pipeline")
            }
            return version
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
