import BatonStore
import Foundation
import Testing

/// The behaviour every `StateStore` must have, written against the protocol only.
///
/// The SQLite store runs every case; the PostgreSQL store will run the same list. A case
/// gets a fresh, empty store.
enum StateStoreContract: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case anEmptyStoreHasNothing
    case applyingCreatesVersionsAuditEventsAndIndex
    case versionsAreNumberedThroughUpdateRetireAndRevive
    case aStaleWriteIsRefusedAndChangesNothing
    case aRejectedRevisionLeavesTheLiveStateAlone
    case theIndexFollowsUpsertsDeletionsAndReplacement
    case auditQueriesFilterBySincePipelineAndEmail
    case oneRunPerSlot
    case runsAndAttemptsAreRecordedAndUpdated
    case aCacheHitIsTheNewestSuccessfulAttemptWithTheKey
    case aBatchOfSlotsIsRecordedTogetherStillOnePerSlot
    case prunedRunsTakeTheirAttemptsAlong
    case suspensionsAndTheDaemonRowAreKept
    case theChangeCountMovesWithEveryCommitAndOnlyThen
    case aRevisionKeepsItsSignerAndTheSourceItsPolicy
    case aBackfillRecordsOneRunPerFreeSlotAndCountsTheTakenOnes
    case aBackfillHandsOutItsQueuedRunsOldestFirstAndCompletesWhenTheyEnd
    case cancellingABackfillCancelsItsQueuedRunsAndAsksItsRunningOnesToStop
    case anUpstreamRunFiresEachDependentOnceAndIsMarked
    case linkedManifestsAreKnownFromTheIndex
    case aFileWatchTakesOneBaselineAndEachFileVersionRunsOnce
    case forgettingAFileWatchDropsItsBaseline

    var testDescription: String { rawValue }

    func run(on store: any StateStore) async throws {
        switch self {
        case .anEmptyStoreHasNothing: try await anEmptyStoreHasNothing(store)
        case .applyingCreatesVersionsAuditEventsAndIndex: try await applyingCreates(store)
        case .versionsAreNumberedThroughUpdateRetireAndRevive: try await versionsAreNumbered(store)
        case .aStaleWriteIsRefusedAndChangesNothing: try await staleWrite(store)
        case .aRejectedRevisionLeavesTheLiveStateAlone: try await rejectedRevision(store)
        case .theIndexFollowsUpsertsDeletionsAndReplacement: try await index(store)
        case .auditQueriesFilterBySincePipelineAndEmail: try await auditQueries(store)
        case .oneRunPerSlot: try await oneRunPerSlot(store)
        case .runsAndAttemptsAreRecordedAndUpdated: try await runsAndAttempts(store)
        case .aCacheHitIsTheNewestSuccessfulAttemptWithTheKey: try await cacheHits(store)
        case .aBatchOfSlotsIsRecordedTogetherStillOnePerSlot: try await batchOfSlots(store)
        case .prunedRunsTakeTheirAttemptsAlong: try await pruning(store)
        case .suspensionsAndTheDaemonRowAreKept: try await suspensionsAndDaemon(store)
        case .theChangeCountMovesWithEveryCommitAndOnlyThen: try await changeCount(store)
        case .aRevisionKeepsItsSignerAndTheSourceItsPolicy: try await signers(store)
        case .aBackfillRecordsOneRunPerFreeSlotAndCountsTheTakenOnes: try await backfillCreation(store)
        case .aBackfillHandsOutItsQueuedRunsOldestFirstAndCompletesWhenTheyEnd: try await backfillProgress(store)
        case .cancellingABackfillCancelsItsQueuedRunsAndAsksItsRunningOnesToStop: try await backfillCancel(store)
        case .anUpstreamRunFiresEachDependentOnceAndIsMarked: try await dependents(store)
        case .linkedManifestsAreKnownFromTheIndex: try await linkedManifests(store)
        case .aFileWatchTakesOneBaselineAndEachFileVersionRunsOnce: try await fileWatchBaseline(store)
        case .forgettingAFileWatchDropsItsBaseline: try await forgetFileWatch(store)
        }
    }

    static func fileRun(_ versionID: Int64, _ key: String, at minute: Int = 3) -> RunRecord {
        RunRecord(pipeline: "etl", versionID: versionID, scheduledAt: nil, trigger: .file, state: .queued, parameters: ["file": "/in/a.csv"],
                  createdAt: F.time(minute), triggerKey: key)
    }

    /// File triggers: a baseline is taken once per (pipeline, path), its files are seen, and
    /// each file version gets one run (seen, or its key taken, creates nothing), which keeps
    /// the file seen after the run itself is pruned.
    private func fileWatchBaseline(_ store: any StateStore) async throws {
        let versionID = try await versionID(store)
        let watch = FileWatchRecord(pipeline: "etl", path: "/in/*.csv", baselineAt: F.time(1))
        #expect(try await store.fileWatches().isEmpty)
        #expect(try await store.takeFileBaseline(watch, fileKeys: ["file:/in/old.csv@1:2:3.000000000"]))
        #expect(try await store.fileWatches() == [watch])
        #expect(try await store.takeFileBaseline(FileWatchRecord(pipeline: "etl", path: "/in/*.csv", baselineAt: F.time(2)), fileKeys: ["file:/in/late.csv@1:9:3.000000000"]) == false,
                "a second baseline widens nothing")
        #expect(try await store.fileWatches() == [watch])
        #expect(try await store.seenFiles(pipeline: "etl", path: "/in/*.csv") == ["file:/in/old.csv@1:2:3.000000000"])
        #expect(try await store.seenFiles(pipeline: "etl", path: "/in/*.txt").isEmpty)

        #expect(try await store.createFileRun(Self.fileRun(versionID, "file:/in/old.csv@1:2:3.000000000"), watch: "/in/*.csv") == nil, "a baseline file runs nothing")
        let key = RunRecord.fileTriggerKey(path: "/in/a.csv", device: 1, inode: 7, seconds: 1_700_000_000, nanoseconds: 5)
        #expect(key == "file:/in/a.csv@1:7:1700000000.000000005")
        let created = try #require(try await store.createFileRun(Self.fileRun(versionID, key), watch: "/in/*.csv"))
        let id = try #require(created.id)
        let stored = try #require(try await store.run(id: id))
        #expect(stored.trigger == .file)
        #expect(stored.triggerKey == key)
        #expect(stored.triggerFile == "/in/a.csv")
        #expect(stored.parameters == ["file": "/in/a.csv"])
        #expect(try await store.seenFiles(pipeline: "etl", path: "/in/*.csv").contains(key))
        #expect(try await store.createFileRun(Self.fileRun(versionID, key, at: 4), watch: "/in/*.csv") == nil, "one run per file version")
        try await store.takeFileBaseline(FileWatchRecord(pipeline: "etl", path: "/in/a*", baselineAt: F.time(4)), fileKeys: [])
        #expect(try await store.createFileRun(Self.fileRun(versionID, key, at: 4), watch: "/in/a*") == nil, "one run per pipeline and key, whatever watch sees it")
        #expect(try await store.seenFiles(pipeline: "etl", path: "/in/a*") == [key], "the other watch now knows it too")
        let rewritten = RunRecord.fileTriggerKey(path: "/in/a.csv", device: 1, inode: 7, seconds: 1_700_000_060, nanoseconds: 0)
        #expect(try await store.createFileRun(Self.fileRun(versionID, rewritten, at: 5), watch: "/in/*.csv") != nil, "a rewritten file is a new version")
        #expect(try await store.runs(RunQuery(pipeline: "etl", limit: 10)).count == 2)

        for run in try await store.runs(RunQuery(pipeline: "etl", limit: 10)) {
            _ = try await store.updateRun(id: try #require(run.id)) { $0.state = .succeeded; $0.finishedAt = F.time(6) }
        }
        _ = try await store.pruneRuns(of: "etl", keep: 0)
        #expect(try await store.runs(RunQuery(pipeline: "etl", limit: 10)).isEmpty)
        #expect(try await store.createFileRun(Self.fileRun(versionID, key, at: 7), watch: "/in/*.csv") == nil, "a pruned run's file stays seen")
    }

    /// A watch that stops (trigger removed or changed) is forgotten with its files, so that
    /// watching the path again takes a new baseline; other watches are left alone.
    private func forgetFileWatch(_ store: any StateStore) async throws {
        let versionID = try await versionID(store)
        try await store.takeFileBaseline(FileWatchRecord(pipeline: "etl", path: "/in/*.csv", baselineAt: F.time(1)), fileKeys: ["file:/in/old.csv@1:2:3.000000000"])
        try await store.takeFileBaseline(FileWatchRecord(pipeline: "etl", path: "/other/*", baselineAt: F.time(1)), fileKeys: ["file:/other/x@1:3:3.000000000"])
        let key = RunRecord.fileTriggerKey(path: "/in/a.csv", device: 1, inode: 8, seconds: 9, nanoseconds: 0)
        #expect(try await store.createFileRun(Self.fileRun(versionID, key), watch: "/in/*.csv") != nil)
        try await store.forgetFileWatch(pipeline: "etl", path: "/in/*.csv")
        #expect(try await store.fileWatches().map(\.path) == ["/other/*"])
        #expect(try await store.seenFiles(pipeline: "etl", path: "/in/*.csv").isEmpty)
        #expect(try await store.seenFiles(pipeline: "etl", path: "/other/*") == ["file:/other/x@1:3:3.000000000"])
        #expect(try await store.takeFileBaseline(FileWatchRecord(pipeline: "etl", path: "/in/*.csv", baselineAt: F.time(9)), fileKeys: []))
        #expect(try await store.createFileRun(Self.fileRun(versionID, key, at: 9), watch: "/in/*.csv") == nil,
                "the run's key still holds: a file that had its run never runs twice")
        try await store.forgetFileWatch(pipeline: "nobody", path: "/in/*.csv")
        let late = RunRecord.fileTriggerKey(path: "/gone/a.csv", device: 1, inode: 10, seconds: 9, nanoseconds: 0)
        #expect(try await store.createFileRun(Self.fileRun(versionID, late, at: 10), watch: "/gone/*.csv") != nil,
                "the last file of a watch forgotten a moment before still gets its run")
        #expect(try await store.fileWatches().map(\.path) == ["/in/*.csv", "/other/*"], "and does not bring the watch back")
        #expect(try await store.createFileRun(Self.fileRun(versionID, late, at: 11), watch: "/gone/*.csv") == nil)
    }

    typealias F = StoreFixtures

    /// `triggers` and `onFailure`: the runs an upstream run's end starts are recorded once per
    /// pipeline and key whatever repeats, the upstream run is marked in the same write, and
    /// ended runs not marked yet are found (within the pipelines and time asked about).
    private func dependents(_ store: any StateStore) async throws {
        let versionID = try await versionID(store)
        var upstream = try await store.createRun(RunRecord(pipeline: "etl", versionID: versionID, scheduledAt: nil, trigger: .manual, state: .running, createdAt: F.time(1))).run
        let id = try #require(upstream.id)
        #expect(try await store.runsAwaitingDependents(of: ["etl"], finishedSince: F.time(0)).isEmpty, "a running run awaits nothing")
        upstream = try await store.updateRun(id: id) { $0.state = .failed; $0.finishedAt = F.time(2) }
        #expect(try await store.runsAwaitingDependents(of: ["etl"], finishedSince: F.time(0)).map(\.id) == [id])
        #expect(try await store.runsAwaitingDependents(of: ["etl"], finishedSince: F.time(3)).isEmpty, "ended before the bound")
        #expect(try await store.runsAwaitingDependents(of: ["other"], finishedSince: F.time(0)).isEmpty)

        func dependent(_ pipeline: String, _ trigger: RunRecord.Trigger) -> RunRecord {
            RunRecord(pipeline: pipeline, versionID: versionID, scheduledAt: nil, trigger: trigger, state: .queued, parameters: ["failedRun": String(id)],
                      createdAt: F.time(2), upstreamRunID: id, upstreamPipeline: "etl", triggerKey: "run:\(id)")
        }
        let created = try await store.fireDependents(of: id, [dependent("report", .pipeline), dependent("oncall", .failure)])
        #expect(created.map(\.pipeline) == ["report", "oncall"])
        #expect(created.allSatisfy { $0.id != nil })
        let oncallID = try #require(created.last?.id)
        let stored = try #require(try await store.run(id: oncallID))
        #expect(stored.trigger == .failure)
        #expect(stored.upstreamRunID == id)
        #expect(stored.upstreamPipeline == "etl")
        #expect(stored.triggerKey == "run:\(id)")
        #expect(stored.parameters == ["failedRun": String(id)])
        #expect(try await store.run(id: id)?.dependentsFired == true)
        #expect(try await store.runsAwaitingDependents(of: ["etl"], finishedSince: F.time(0)).isEmpty)
        // A second call for the same upstream run (a crash before the mark) creates nothing.
        #expect(try await store.fireDependents(of: id, [dependent("report", .pipeline), dependent("oncall", .failure)]).isEmpty)
        #expect(try await store.runs(RunQuery(pipeline: "report", limit: 10)).count == 1)
        // A dependent of another upstream run is another key.
        var other = dependent("report", .pipeline)
        other.triggerKey = "run:999"
        #expect(try await store.fireDependents(of: id, [other]).count == 1)
    }

    private func linkedManifests(_ store: any StateStore) async throws {
        let c1 = F.commit(1)
        #expect(try await store.hasLinkedManifests() == false)
        try await store.apply(F.write(c1, after: nil, versions: [], index: [
            ManifestIndexEntry(path: "manifests/a.json", blobID: "a", pipeline: "a"),
            ManifestIndexEntry(path: "manifests/b.json", blobID: "b", pipeline: "b", linked: true),
        ]))
        #expect(try await store.hasLinkedManifests())
        #expect(try await store.manifestIndex().map(\.linked) == [false, true])
        try await store.apply(F.write(F.commit(2), after: c1.id, versions: [], deletions: ["manifests/b.json"]))
        #expect(try await store.hasLinkedManifests() == false)
    }

    /// `--verify-commits`: the signer is read back with its revision, revisions are found by
    /// id (a version's signer), and the source remembers the policy it judged under.
    private func signers(_ store: any StateStore) async throws {
        let c1 = F.commit(1), c2 = F.commit(2)
        var signed = F.write(c1, after: nil, versions: [F.version("etl", .create, spec: "v1", commit: c1)])
        let alice = CommitSigner(method: .ssh, identity: "alice@example.com", key: "ED25519 SHA256:abc")
        signed.revision?.signer = alice
        signed.source.verification = "policy-1"
        let first = try #require(try await store.apply(signed))
        let unsigned = try #require(try await store.apply(F.write(c2, after: c1.id, versions: [F.version("etl", .update, spec: "v2", commit: c2)])))
        #expect(try await store.revisions(limit: 2).map(\.signer) == [nil, alice])
        let found = try await store.revisions(ids: [try #require(first.id), try #require(unsigned.id), 999_999])
        #expect(Set(found.map(\.id)) == [first.id, unsigned.id])
        #expect(found.first { $0.id == first.id }?.signer == alice)
        #expect(try await store.revisions(ids: []).isEmpty)
        #expect(try await store.source()?.verification == nil, "the last write judged without a policy")
        var again = F.write(F.commit(3), after: c2.id, versions: [])
        again.source.verification = "policy-2"
        try await store.apply(again)
        #expect(try await store.source()?.verification == "policy-2")
    }

    /// The server keeps answers while the count stands still: every kind of write moves it,
    /// reads do not.
    private func changeCount(_ store: any StateStore) async throws {
        let first = try await store.changeCount()
        _ = try await store.runs(RunQuery(limit: 10))
        #expect(try await store.changeCount() == first)
        let run = try await store.createRun(RunRecord(pipeline: "etl", versionID: nil, scheduledAt: nil, trigger: .manual, state: .queued, createdAt: F.time(1))).run
        let afterCreate = try await store.changeCount()
        #expect(afterCreate != first)
        _ = try await store.updateRun(id: try #require(run.id)) { $0.state = .running }
        let afterUpdate = try await store.changeCount()
        #expect(afterUpdate != afterCreate)
        try await store.saveDaemon(DaemonRecord(pid: 1, processStartTime: nil, startedAt: F.time(2), interval: 60))
        #expect(try await store.changeCount() != afterUpdate)
    }

    private func anEmptyStoreHasNothing(_ store: any StateStore) async throws {
        #expect(try await store.source() == nil)
        #expect(try await store.pipelines().isEmpty)
        #expect(try await store.activePipelineCount() == 0)
        #expect(try await store.revisions(limit: 10).isEmpty)
        #expect(try await store.manifestIndex().isEmpty)
        #expect(try await store.auditEvents(AuditQuery()).isEmpty)
        #expect(try await store.versions(of: "nothing").isEmpty)
    }

    private func applyingCreates(_ store: any StateStore) async throws {
        let c1 = F.commit(1)
        let revision = try await store.apply(F.write(c1, after: nil, versions: [
            F.version("sales", .create, spec: #"{"name":"sales"}"#, commit: c1),
            F.version("ops", .create, spec: #"{"name":"ops"}"#, commit: c1, merge: (String(repeating: "m", count: 40), F.dee)),
        ], index: [
            ManifestIndexEntry(path: "manifests/sales.json", blobID: "b1", pipeline: "sales"),
            ManifestIndexEntry(path: "manifests/ops.json", blobID: "b2", pipeline: "ops"),
        ]))
        let revisionID = try #require(revision?.id)
        #expect(revision?.outcome == .applied)

        let pipelines = try await store.pipelines()
        #expect(pipelines.map(\.name) == ["ops", "sales"])
        #expect(pipelines.allSatisfy { $0.state == .active && $0.version == 1 })
        #expect(try await store.activePipelineCount() == 2)

        let sales = try #require(try await store.versions(of: "sales").first)
        #expect(sales.number == 1)
        #expect(sales.revisionID == revisionID)
        #expect(sales.commit == c1)
        #expect(sales.spec == #"{"name":"sales"}"#)
        #expect(try await store.version(id: try #require(sales.id)) == sales)
        #expect(try await store.currentVersions(of: ["sales", "ops", "missing"]).map(\.pipeline) == ["ops", "sales"])

        let events = try await store.auditEvents(AuditQuery())
        #expect(events.count == 2)
        #expect(Set(events.map(\.pipeline)) == ["sales", "ops"])
        #expect(events.allSatisfy { $0.action == "create" && $0.commit == c1.id && $0.author == F.ana && $0.revisionID == revisionID })
        let ops = try #require(events.first { $0.pipeline == "ops" })
        #expect(ops.mergedBy == F.dee)
        #expect(ops.mergeCommit == String(repeating: "m", count: 40))

        #expect(try await store.manifestIndex().map(\.path) == ["manifests/ops.json", "manifests/sales.json"])
        let source = try #require(try await store.source())
        #expect(source.lastAppliedCommit == c1.id)
        #expect(try await store.revisions(limit: 5).map(\.commit) == [c1])
    }

    private func versionsAreNumbered(_ store: any StateStore) async throws {
        let c1 = F.commit(1), c2 = F.commit(2, author: F.bo), c3 = F.commit(3), c4 = F.commit(4, author: F.bo)
        try await store.apply(F.write(c1, after: nil, versions: [F.version("etl", .create, spec: "v1", commit: c1)]))
        try await store.apply(F.write(c2, after: c1.id, versions: [
            F.version("etl", .update, spec: "v2", commit: c2, changes: [FieldChange(pointer: "/schedule/cron", old: #""0 1 * * *""#, new: #""0 2 * * *""#)]),
        ]))
        try await store.apply(F.write(c3, after: c2.id, versions: [F.version("etl", .retire, spec: "v2", commit: c3)]))
        var etl = try #require(try await store.pipelines(named: ["etl"]).first)
        #expect(etl.state == .retired)
        #expect(etl.version == 3)
        #expect(try await store.activePipelineCount() == 0)

        try await store.apply(F.write(c4, after: c3.id, versions: [F.version("etl", .revive, spec: "v4", commit: c4)]))
        etl = try #require(try await store.pipelines(named: ["etl"]).first)
        #expect(etl.state == .active)
        #expect(etl.version == 4)
        #expect(etl.specHash == "hash-of-v4")
        #expect(etl.createdAt == c1.commitTime.addingTimeInterval(5))

        let versions = try await store.versions(of: "etl")
        #expect(versions.map(\.number) == [4, 3, 2, 1])
        #expect(versions.map(\.changeKind) == [.revive, .retire, .update, .create])
        #expect(versions.map(\.commit.author) == [F.bo, F.ana, F.bo, F.ana])
        #expect(versions[2].changes == [FieldChange(pointer: "/schedule/cron", old: #""0 1 * * *""#, new: #""0 2 * * *""#)])
        #expect(try await store.currentVersions(of: ["etl"]).first?.number == 4)
        let audit = try await store.auditEvents(AuditQuery(pipeline: "etl"))
        #expect(audit.map(\.action) == ["revive", "retire", "update", "create"])
        #expect(audit[2].changedFields == ["/schedule/cron"])
    }

    private func staleWrite(_ store: any StateStore) async throws {
        let c1 = F.commit(1), c2 = F.commit(2)
        try await store.apply(F.write(c1, after: nil, versions: [F.version("etl", .create, spec: "v1", commit: c1)]))
        // A second writer planned against "nothing applied" while c1 was being applied.
        await #expect {
            try await store.apply(F.write(c2, after: nil, versions: [F.version("etl", .update, spec: "v2", commit: c2)]))
        } throws: { ($0 as? StoreError)?.code == .conflict }
        #expect(try await store.revisions(limit: 10).count == 1)
        #expect(try await store.versions(of: "etl").count == 1)
        #expect(try await store.source()?.lastAppliedCommit == c1.id)
    }

    private func rejectedRevision(_ store: any StateStore) async throws {
        let c1 = F.commit(1), c2 = F.commit(2, author: F.bo)
        try await store.apply(F.write(c1, after: nil, versions: [F.version("etl", .create, spec: "v1", commit: c1)]))
        var rejected = F.revision(c2, .rejected)
        rejected.diagnostics = [.init(file: "manifests/etl.json", line: 3, column: 5, pointer: "/timeout", severity: .error, code: .invalidDuration, message: "bad")]
        var source = F.source(applied: c1.id, attempted: c2.id, outcome: .rejected)
        source.lastAttemptAuthor = F.bo
        source.lastAttemptDiagnostics = rejected.diagnostics
        let stored = try await store.apply(RevisionWrite(expectedLastApplied: c1.id, revision: rejected, source: source))
        #expect(stored?.outcome == .rejected)
        #expect(try await store.revisions(limit: 1).first?.diagnostics == rejected.diagnostics)
        let after = try #require(try await store.source())
        #expect(after.lastAppliedCommit == c1.id)
        #expect(after.lastAttemptedCommit == c2.id)
        #expect(after.lastAttemptOutcome == .rejected)
        #expect(after.lastAttemptAuthor == F.bo)
        #expect(after.lastAttemptDiagnostics.map(\.pointer) == ["/timeout"])
        #expect(try await store.versions(of: "etl").count == 1)
        #expect(try await store.auditEvents(AuditQuery()).count == 1)
    }

    private func index(_ store: any StateStore) async throws {
        let c1 = F.commit(1), c2 = F.commit(2), c3 = F.commit(3)
        let a = ManifestIndexEntry(path: "manifests/a.json", blobID: "1", pipeline: "a")
        let b = ManifestIndexEntry(path: "manifests/b.json", blobID: "2", pipeline: "b")
        try await store.apply(F.write(c1, after: nil, versions: [], index: [a, b]))
        let b2 = ManifestIndexEntry(path: "manifests/b.json", blobID: "3", pipeline: "b")
        let c = ManifestIndexEntry(path: "manifests/team/c.json", blobID: "4", pipeline: "a")
        try await store.apply(F.write(c2, after: c1.id, versions: [], index: [b2, c], deletions: ["manifests/a.json"]))
        #expect(try await store.manifestIndex() == [b2, c])
        #expect(try await store.manifestIndex(paths: ["manifests/b.json", "manifests/none.json"]) == [b2])
        #expect(try await store.manifestIndex(pipelines: ["a"]) == [c])
        var replace = F.write(c3, after: c2.id, versions: [], index: [a])
        replace.replaceIndex = true
        try await store.apply(replace)
        #expect(try await store.manifestIndex() == [a])
    }

    private func auditQueries(_ store: any StateStore) async throws {
        let c1 = F.commit(1), c2 = F.commit(20, author: F.bo), c3 = F.commit(40)
        try await store.apply(F.write(c1, after: nil, versions: [F.version("a", .create, spec: "a1", commit: c1), F.version("b", .create, spec: "b1", commit: c1)]))
        try await store.apply(F.write(c2, after: c1.id, versions: [F.version("a", .update, spec: "a2", commit: c2)]))
        try await store.apply(F.write(c3, after: c2.id, versions: [F.version("b", .update, spec: "b2", commit: c3, merge: ("m", F.dee))]))
        #expect(try await store.auditEvents(AuditQuery(pipeline: "a")).map(\.commit) == [c2.id, c1.id])
        #expect(try await store.auditEvents(AuditQuery(authorEmail: "bo@example.com")).map(\.pipeline) == ["a"])
        #expect(try await store.auditEvents(AuditQuery(authorEmail: "DEE@example.com")).map(\.pipeline) == ["b"])
        let since = try await store.auditEvents(AuditQuery(since: F.time(20)))
        #expect(since.map(\.commit) == [c3.id, c2.id])
        #expect(try await store.auditEvents(AuditQuery(limit: 1)).map(\.commit) == [c3.id])
    }

    private func oneRunPerSlot(_ store: any StateStore) async throws {
        let c1 = F.commit(1)
        try await store.apply(F.write(c1, after: nil, versions: [F.version("etl", .create, spec: "v1", commit: c1)]))
        let versionID = try #require(try await store.versions(of: "etl").first?.id)
        let slot = F.time(100)
        let first = try await store.createRun(RunRecord(pipeline: "etl", versionID: versionID, scheduledAt: slot, trigger: .schedule, state: .queued, createdAt: slot))
        let again = try await store.createRun(RunRecord(pipeline: "etl", versionID: versionID, scheduledAt: slot, trigger: .schedule, state: .queued, createdAt: slot.addingTimeInterval(1)))
        #expect(first.created)
        #expect(!again.created)
        #expect(again.run.id == first.run.id)
        let manual1 = try await store.createRun(RunRecord(pipeline: "etl", versionID: versionID, scheduledAt: nil, trigger: .manual, state: .queued, parameters: ["region": "eu"], createdAt: slot))
        let manual2 = try await store.createRun(RunRecord(pipeline: "etl", versionID: versionID, scheduledAt: nil, trigger: .manual, state: .queued, createdAt: slot))
        #expect(manual1.created && manual2.created)
        #expect(manual1.run.id != manual2.run.id)
        let runs = try await store.runs(of: "etl", limit: 10)
        #expect(runs.count == 3)
        #expect(runs.first { $0.id == manual1.run.id }?.parameters == ["region": "eu"])
    }

    private func versionID(_ store: any StateStore) async throws -> Int64 {
        let c1 = F.commit(1)
        try await store.apply(F.write(c1, after: nil, versions: [F.version("etl", .create, spec: "v1", commit: c1)]))
        return try #require(try await store.versions(of: "etl").first?.id)
    }

    private func runsAndAttempts(_ store: any StateStore) async throws {
        let version = try await versionID(store)
        var run = try await store.createRun(RunRecord(pipeline: "etl", versionID: version, scheduledAt: nil, trigger: .manual, state: .queued, createdAt: F.time(1))).run
        let runID = try #require(run.id)
        run.state = .running
        run.startedAt = F.time(2)
        try await store.updateRun(run)
        var attempt = try await store.insertAttempt(TaskAttemptRecord(runID: runID, taskID: "extract", attempt: 1, state: .running, startedAt: F.time(2), pid: 4242, processStartTime: 99))
        #expect(attempt.id != nil)
        attempt.state = .succeeded
        attempt.exitCode = 0
        attempt.finishedAt = F.time(3)
        attempt.outputs = ["rows": "12"]
        try await store.updateAttempt(attempt)
        _ = try await store.insertAttempt(TaskAttemptRecord(runID: runID, taskID: "load", attempt: 1, state: .skipped))
        run.state = .succeeded
        run.finishedAt = F.time(4)
        try await store.updateRun(run)

        let stored = try #require(try await store.run(id: runID))
        #expect(stored.state == .succeeded)
        #expect(stored.finishedAt == F.time(4))
        #expect(stored.isFinished)
        let attempts = try await store.attempts(ofRun: runID)
        #expect(attempts.map(\.taskID) == ["extract", "load"])
        #expect(attempts[0].outputs == ["rows": "12"])
        #expect(attempts[0].pid == 4242 && attempts[0].processStartTime == 99)
        #expect(try await store.recentRuns(limit: 5).map(\.id) == [runID])
        let retry = try await store.createRun(RunRecord(pipeline: "etl", versionID: version, scheduledAt: nil, trigger: .retry, state: .queued, createdAt: F.time(5), retryOf: runID)).run
        #expect(try await store.run(id: try #require(retry.id))?.retryOf == runID)
        // Read and write in one step: the change sees the stored row, not the caller's copy.
        let ended = try await store.updateRun(id: runID) { stored in
            stored.reason = "seen state \(stored.state.rawValue)"
        }
        #expect(ended.reason == "seen state succeeded")
        #expect(try await store.run(id: runID)?.reason == "seen state succeeded")
        await #expect(throws: StoreError.self) { try await store.updateRun(id: 9_999) { _ in } }
        await #expect(throws: StoreError.self) {
            try await store.updateRun(RunRecord(id: 9_999, pipeline: "etl", versionID: version, scheduledAt: nil, trigger: .manual, state: .failed, createdAt: F.time(1)))
        }
    }

    private func cacheHits(_ store: any StateStore) async throws {
        let version = try await versionID(store)
        let runID = try #require(try await store.createRun(RunRecord(pipeline: "etl", versionID: version, scheduledAt: nil, trigger: .manual, state: .succeeded, createdAt: F.time(1))).run.id)
        _ = try await store.insertAttempt(TaskAttemptRecord(runID: runID, taskID: "t", attempt: 1, state: .failed, finishedAt: F.time(10), cacheKey: "k"))
        _ = try await store.insertAttempt(TaskAttemptRecord(runID: runID, taskID: "t", attempt: 2, state: .succeeded, finishedAt: F.time(20), outputs: ["a": "1"], cacheKey: "k"))
        _ = try await store.insertAttempt(TaskAttemptRecord(runID: runID, taskID: "t", attempt: 3, state: .succeeded, finishedAt: F.time(30), outputs: ["a": "2"], cacheKey: "other"))
        #expect(try await store.cachedAttempt(pipeline: "etl", taskID: "t", cacheKey: "k", since: F.time(0))?.outputs == ["a": "1"])
        #expect(try await store.cachedAttempt(pipeline: "etl", taskID: "t", cacheKey: "k", since: F.time(21)) == nil)
        #expect(try await store.cachedAttempt(pipeline: "other", taskID: "t", cacheKey: "k", since: F.time(0)) == nil)
        #expect(try await store.cachedAttempt(pipeline: "etl", taskID: "u", cacheKey: "k", since: F.time(0)) == nil)
    }

    private func batchOfSlots(_ store: any StateStore) async throws {
        let version = try await versionID(store)
        func run(_ slot: Int, _ state: RunRecord.State) -> RunRecord {
            RunRecord(pipeline: "etl", versionID: version, scheduledAt: F.time(slot), trigger: .schedule, state: state, createdAt: F.time(100))
        }
        let first = try await store.createRuns([run(1, .missed), run(2, .running), run(3, .queued)])
        #expect(first.map(\.created) == [true, true, true])
        // A second batch for slots already taken (a crash between two fires) creates nothing new.
        let second = try await store.createRuns([run(2, .running), run(4, .skipped)])
        #expect(second.map(\.created) == [false, true])
        #expect(second[0].run.id == first[1].run.id)
        #expect(try await store.lastSlots() == ["etl": F.time(4)])
        let open = try await store.runs(inStates: [.running, .queued])
        #expect(open.map(\.scheduledAt) == [F.time(2), F.time(3)])
    }

    private func pruning(_ store: any StateStore) async throws {
        let version = try await versionID(store)
        var ids: [Int64] = []
        for slot in 1...5 {
            let state: RunRecord.State = slot == 2 ? .running : .succeeded
            let run = try await store.createRun(RunRecord(pipeline: "etl", versionID: version, scheduledAt: F.time(slot), trigger: .schedule, state: state, createdAt: F.time(slot))).run
            let id = try #require(run.id)
            ids.append(id)
            _ = try await store.insertAttempt(TaskAttemptRecord(runID: id, taskID: "t", attempt: 1, state: .succeeded))
        }
        let pruned = try await store.pruneRuns(of: "etl", keep: 2)
        // The newest two stay, and so does a run still running, however old.
        #expect(pruned.compactMap(\.id) == [ids[0], ids[2]])
        #expect(try await store.runs(of: "etl", limit: 10).compactMap(\.id).sorted() == [ids[1], ids[3], ids[4]])
        #expect(try await store.attempts(ofRun: ids[0]).isEmpty)
        #expect(try await store.pruneRuns(of: "etl", keep: 2).isEmpty)
        // Versions and audit events are never pruned.
        #expect(try await store.versions(of: "etl").count == 1)
        #expect(try await store.auditEvents(AuditQuery(pipeline: "etl")).count == 1)
    }

    private func suspensionsAndDaemon(_ store: any StateStore) async throws {
        let version = try await versionID(store)
        let suspend = PipelineOverride(pipeline: "etl", reason: "maintenance", actor: "ops", since: F.time(10))
        try await store.setOverride(pipeline: "etl", suspend, event: AuditEvent(time: F.time(10), pipeline: "etl", action: "suspend", changedFields: [], commit: nil, author: nil, actor: "ops", message: "maintenance", versionID: version))
        #expect(try await store.overrides() == [suspend])
        #expect(try await store.resumeTimes().isEmpty)
        try await store.setOverride(pipeline: "etl", nil, event: AuditEvent(time: F.time(20), pipeline: "etl", action: "resume", changedFields: [], commit: nil, author: nil, actor: "ops", versionID: version))
        #expect(try await store.overrides().isEmpty)
        #expect(try await store.resumeTimes() == ["etl": F.time(20)])
        let events = try await store.auditEvents(AuditQuery(pipeline: "etl"))
        #expect(events.map(\.action) == ["resume", "suspend", "create"])
        #expect(events.first?.actor == "ops")

        #expect(try await store.daemon() == nil)
        var record = DaemonRecord(pid: 123, processStartTime: 456, startedAt: F.time(1), interval: 60)
        try await store.saveDaemon(record)
        record.reconcileCount = 3
        record.sourceFailures = 2
        record.sourceError = "fetch failed"
        try await store.saveDaemon(record)
        #expect(try await store.daemon() == record)
    }

    // MARK: Backfills

    private func backfill(_ store: any StateStore, version: Int64, slots: [Int], maxParallel: Int = 1) async throws -> BackfillRecord {
        let record = BackfillRecord(pipeline: "etl", versionID: version, from: F.time(slots.min() ?? 0), to: F.time((slots.max() ?? 0) + 1),
                                    maxParallel: maxParallel, requestedBy: "ops", createdAt: F.time(500))
        let runs = slots.map { RunRecord(pipeline: "etl", versionID: version, scheduledAt: F.time($0), trigger: .backfill, state: .queued, createdAt: F.time(500), requestedBy: "ops") }
        return try await store.createBackfill(record, runs: runs) { stored in
            AuditEvent(time: F.time(500), pipeline: "etl", action: "backfill", changedFields: [], commit: nil, author: nil, actor: "ops", message: "backfill \(stored.id ?? 0)", versionID: version)
        }
    }

    /// Slots already holding a run (a scheduled one, a missed one) are left alone and
    /// counted; the rest get one queued run each, marked with the backfill; asking again
    /// makes nothing new and the second backfill is completed at once.
    private func backfillCreation(_ store: any StateStore) async throws {
        let version = try await versionID(store)
        _ = try await store.createRuns([
            RunRecord(pipeline: "etl", versionID: version, scheduledAt: F.time(2), trigger: .schedule, state: .succeeded, createdAt: F.time(2)),
            RunRecord(pipeline: "etl", versionID: version, scheduledAt: F.time(4), trigger: .schedule, state: .missed, createdAt: F.time(4)),
        ])
        let first = try await backfill(store, version: version, slots: [1, 2, 3, 4, 5])
        let id = try #require(first.id)
        #expect(first.state == .running)
        #expect(first.slotCount == 5 && first.skippedCount == 2 && first.createdCount == 3)
        #expect(try await store.backfill(id: id) == first)
        let runs = try await store.runs(ofBackfill: id, inStates: [.queued], limit: 10)
        #expect(runs.map(\.scheduledAt) == [F.time(1), F.time(3), F.time(5)])
        #expect(runs.allSatisfy { $0.trigger == .backfill && $0.backfillID == id && $0.requestedBy == "ops" })
        #expect(try await store.run(id: try #require(runs.first?.id))?.backfillID == id)
        #expect(try await store.backfillRunCounts(id: id) == [.queued: 3])
        let slots = try await store.runs(of: "etl", limit: 20).compactMap(\.scheduledAt)
        #expect(slots.count == 5 && Set(slots).count == 5, "a slot with two runs: \(slots)")

        let again = try await backfill(store, version: version, slots: [1, 2, 3, 4, 5])
        #expect(again.slotCount == 5 && again.skippedCount == 5 && again.state == .completed)
        #expect(try await store.backfills(pipeline: "etl", states: [], limit: 10).map(\.id) == [again.id, first.id])
        #expect(try await store.backfills(pipeline: nil, states: [.running], limit: 10).map(\.id) == [first.id])
        #expect(try await store.backfills(pipeline: "other", states: [], limit: 10).isEmpty)
        #expect(try await store.auditEvents(AuditQuery(pipeline: "etl")).filter { $0.action == "backfill" }.count == 2)
        #expect(try await store.backfill(id: 9_999) == nil)
    }

    private func backfillProgress(_ store: any StateStore) async throws {
        let version = try await versionID(store)
        let record = try await backfill(store, version: version, slots: [3, 1, 2], maxParallel: 2)
        let id = try #require(record.id)
        let oldest = try await store.runs(ofBackfill: id, inStates: [.queued], limit: 2)
        #expect(oldest.map(\.scheduledAt) == [F.time(1), F.time(2)])
        for run in oldest { _ = try await store.updateRun(id: try #require(run.id)) { $0.state = .running } }
        #expect(try await store.backfillRunCounts(id: id) == [.running: 2, .queued: 1])
        // Runs still open: not complete.
        #expect(try await store.completeBackfill(id: id, at: F.time(600))?.state == .running)
        for run in try await store.runs(ofBackfill: id, inStates: [.queued, .running], limit: 10) {
            _ = try await store.updateRun(id: try #require(run.id)) { $0.state = .succeeded }
        }
        let done = try #require(try await store.completeBackfill(id: id, at: F.time(601)))
        #expect(done.state == .completed && done.finishedAt == F.time(601))
        #expect(try await store.backfillRunCounts(id: id) == [.succeeded: 3])
        // Completing twice changes nothing.
        #expect(try await store.completeBackfill(id: id, at: F.time(700))?.finishedAt == F.time(601))
        #expect(try await store.completeBackfill(id: 9_999, at: F.time(700)) == nil)
    }

    private func backfillCancel(_ store: any StateStore) async throws {
        let version = try await versionID(store)
        let record = try await backfill(store, version: version, slots: [1, 2, 3])
        let id = try #require(record.id)
        let first = try #require(try await store.runs(ofBackfill: id, inStates: [.queued], limit: 1).first?.id)
        _ = try await store.updateRun(id: first) { $0.state = .running }
        let reason = "cancel requested by ops (backfill \(id))"
        let cancel = try await store.cancelBackfill(id: id, reason: reason, at: F.time(700)) { backfill in
            AuditEvent(time: F.time(700), pipeline: "etl", action: "cancel", changedFields: [], commit: nil, author: nil, actor: "ops", message: "backfill \(backfill.id ?? 0)", versionID: version)
        }
        #expect(cancel.changed && cancel.cancelledRuns == 2)
        #expect(cancel.requested.map(\.id) == [first])
        #expect(cancel.backfill.state == .cancelled && cancel.backfill.reason == reason && cancel.backfill.finishedAt == F.time(700))
        #expect(try await store.backfillRunCounts(id: id) == [.running: 1, .cancelled: 2])
        #expect(try await store.run(id: first)?.reason == reason)
        #expect(try await store.runs(ofBackfill: id, inStates: [.cancelled], limit: 10).allSatisfy { $0.finishedAt == F.time(700) && $0.reason == reason })
        // A cancelled backfill is not completed by its last run's end, nor cancelled twice.
        _ = try await store.updateRun(id: first) { $0.state = .cancelled }
        #expect(try await store.completeBackfill(id: id, at: F.time(800))?.state == .cancelled)
        let twice = try await store.cancelBackfill(id: id, reason: reason, at: F.time(900)) { _ in
            AuditEvent(time: F.time(900), pipeline: "etl", action: "cancel", changedFields: [], commit: nil, author: nil)
        }
        #expect(!twice.changed && twice.backfill.finishedAt == F.time(700))
        #expect(try await store.auditEvents(AuditQuery(pipeline: "etl")).filter { $0.action == "cancel" }.count == 1)
        await #expect(throws: StoreError.self) {
            try await store.cancelBackfill(id: 9_999, reason: reason, at: F.time(900)) { _ in
                AuditEvent(time: F.time(900), pipeline: "etl", action: "cancel", changedFields: [], commit: nil, author: nil)
            }
        }
    }
}
