import BatonGit
import BatonManifest
import BatonStore
import Foundation

/// One reconcile pass, as a story: fetch → read the manifests at the ref's commit → validate
/// them → plan against the store → apply the plan, its revision and its audit events in one
/// transaction → report.
///
/// Level-triggered: the desired state is always the commit's whole content, whichever way
/// the ref moved. Reading is incremental when it can be (only the files changed since the
/// applied commit, nothing at all for a commit already judged) and full otherwise; both give
/// the same plan, and a property test holds them to it.
public struct Reconciler: Sendable {
    /// The version of the rules that judge manifests. Raise it whenever validation or the
    /// canonical spec changes, so that the first pass after an upgrade reads every file again
    /// instead of trusting what the old rules accepted.
    ///
    /// 2: the whole tree is checked for entries that cannot be exported (`unsafe-path`,
    /// `path-too-long`).
    public static let rulesVersion = 2

    public struct Options: Sendable {
        /// Apply a commit that holds no manifest even while pipelines are live.
        public var allowEmpty: Bool
        /// Read every manifest, even when a diff would do.
        public var forceFullRead: Bool
        /// The clock: apply times, and "next fire time" in plans.
        public var now: @Sendable () -> Date
        /// The state directory runs will export trees under, for the path-length check
        /// (`path-too-long`). `reconcile(mirror:)` uses the mirror's when this is nil; a
        /// pass without either checks paths as if the state directory's path were empty.
        public var stateDirectory: String?
        /// Which commits must be signed, and by whom (`--verify-commits`); nil applies
        /// commits whatever their signatures.
        public var verification: CommitVerification?
        /// `--verify-commits none`: stop verifying a source whose commits were verified. Without
        /// it, a pass with no policy refuses to follow a source judged under one, so a
        /// `reconcile --once` typed without the daemon's flags cannot apply an unsigned commit.
        public var stopVerifying: Bool

        public init(allowEmpty: Bool = false, forceFullRead: Bool = false, stateDirectory: String? = nil, verification: CommitVerification? = nil, stopVerifying: Bool = false, now: @escaping @Sendable () -> Date = { Date() }) {
            self.allowEmpty = allowEmpty
            self.forceFullRead = forceFullRead
            self.stateDirectory = stateDirectory
            self.verification = verification
            self.stopVerifying = stopVerifying
            self.now = now
        }
    }

    public let store: any StateStore
    public let source: GitSource
    public var options: Options

    public init(store: any StateStore, source: GitSource, options: Options = Options()) {
        self.store = store
        self.source = source
        self.options = options
    }

    var manifestsPath: String { GitSource.normalize(source.manifestsPath) }

    // MARK: The story

    /// Fetches the source into its mirror and runs a pass on the ref's commit. A fetch that
    /// fails is recorded on the source (status shows it) and thrown; what is live stays live.
    public func reconcile(mirror: GitMirror, credentials: GitCredentials = .none) async throws(ReconcileError) -> ReconcileReport {
        let stored = try await storedSource()
        let clock = ContinuousClock()
        let fetchStart = clock.now
        let fetched: FetchResult
        let repository: GitRepository
        do {
            fetched = try await mirror.backgroundSync(source, lastApplied: stored?.lastAppliedCommit.flatMap(GitObjectID.init(hex:)), credentials: credentials)
            repository = try GitRepository(path: fetched.mirrorPath)
        } catch {
            try await recordFailure(error, stored: stored)
            throw ReconcileError(error, stage: .fetch)
        }
        let fetchTime = clock.now - fetchStart
        var report = try await pass(repository: repository, commit: fetched.commit, stored: stored, write: true, stateDirectory: options.stateDirectory ?? mirror.stateDirectory)
        report.timings.fetch = fetchTime
        if let recovery = fetched.recovery {
            report.mirrorNote = "the mirror was corrupt (\(recovery.problem.message)); it was moved to \(recovery.movedTo) and cloned afresh"
        } else if fetched.cloned {
            report.mirrorNote = "cloned the source into \(fetched.mirrorPath)"
        }
        return report
    }

    /// A pass on a commit already in `repository` (the mirror, or any clone).
    public func pass(repository: GitRepository, commit: GitObjectID) async throws(ReconcileError) -> ReconcileReport {
        try await pass(repository: repository, commit: commit, stored: storedSource(), write: true)
    }

    /// What a pass on `commit` would do, without writing anything: `baton plan --head`.
    public func preview(repository: GitRepository, commit: GitObjectID) async throws(ReconcileError) -> ReconcileReport {
        try await pass(repository: repository, commit: commit, stored: storedSource(), write: false)
    }

    func pass(repository: GitRepository, commit: GitObjectID, stored: SourceRecord?, write: Bool, stateDirectory: String? = nil) async throws(ReconcileError) -> ReconcileReport {
        let now = options.now()
        let lastApplied = stored?.lastAppliedCommit.flatMap(GitObjectID.init(hex:))
        let stamp: CommitStamp
        let movement: RevisionMovement
        do {
            stamp = CommitStamp(try repository.commitInfo(commit))
            movement = try Self.movement(repository, from: lastApplied, to: commit)
        } catch {
            throw ReconcileError(error, stage: .read)
        }

        let policy = try verificationFingerprint()
        if write, let stored, stored.verification != nil, policy == nil, !options.stopVerifying {
            throw ReconcileError(
                stage: .verify, code: "verification-required",
                message: "commits of this source were verified when they were judged; give the same --verify-commits options (or $BATON_VERIFY_COMMITS), or --verify-commits none to stop verifying",
                isTransient: false)
        }
        if write, let stored, let verdict = stored.lastAttemptOutcome, stored.lastAttemptedCommit == commit.hex,
           sameSettings(stored), stored.verification == policy, !(verdict == .rejected && options.allowEmpty), !options.forceFullRead {
            return ReconcileReport(
                outcome: verdict, alreadyJudged: true, commit: stamp, movement: .same,
                plan: Plan(entries: [], summary: PlanSummary(unchanged: try await count())),
                diagnostics: stored.lastAttemptDiagnostics, revisionID: nil, incremental: true, mirrorNote: nil, applied: false)
        }

        let clock = ContinuousClock()
        var timings = StepTimings()
        var stepStart = clock.now
        var signer: CommitSigner?
        if let verification = options.verification {
            let verdict: CommitVerdict
            do {
                let verifier = CommitVerifier(policy: verification)
                verdict = try await verifier.verdict(on: try verifier.signatures(in: repository, head: commit, live: lastApplied))
            } catch {
                throw ReconcileError(error, stage: .verify)
            }
            timings.verify = clock.now - stepStart
            switch verdict {
            case .trusted(let found):
                signer = CommitSigner(found)
            case .rejected(let rejections):
                var report = ReconcileReport(
                    outcome: .rejected, alreadyJudged: false, commit: stamp, movement: movement, plan: .empty,
                    diagnostics: rejections.map(\.diagnostic), revisionID: nil, incremental: false, mirrorNote: nil, applied: false)
                report.timings = timings
                if write { report.revisionID = try await record(report, stored: stored, now: now, verification: policy) }
                return report
            }
            stepStart = clock.now
        }
        let incremental = !options.forceFullRead && lastApplied != nil && stored.map(sameSettings) == true && repository.contains(lastApplied!)
        var desired: DesiredRead
        do {
            desired = incremental
                ? try await readChanges(repository, from: lastApplied!, to: commit)
                : try Self.readAll(repository, at: commit, under: manifestsPath)
            let prefix = TreeStore(stateDirectory: stateDirectory ?? options.stateDirectory ?? "").exportPrefixBytes
            let problems = try repository.exportProblems(at: commit, since: incremental ? lastApplied : nil, prefixBytes: prefix)
            if !problems.isEmpty {
                desired.diagnostics = (desired.diagnostics + problems).sorted()
            }
        } catch let error as GitError {
            throw ReconcileError(error, stage: .read)
        } catch let error as StoreError {
            throw ReconcileError(error)
        } catch {
            throw ReconcileError(stage: .read, code: "read", message: "\(error)", isTransient: false)
        }

        timings.read = clock.now - stepStart
        // A pass that had to read everything (pipelines linked by triggers) says so.
        let readIncrementally = incremental && !desired.scope.isAll
        var report = ReconcileReport(
            outcome: .rejected, alreadyJudged: false, commit: stamp, movement: movement, plan: .empty,
            diagnostics: desired.diagnostics, revisionID: nil, incremental: readIncrementally, mirrorNote: nil, applied: false)
        report.signer = signer

        if !desired.isValid {
            report.timings = timings
            if write { report.revisionID = try await record(report, stored: stored, now: now, verification: policy) }
            return report
        }

        stepStart = clock.now
        var plan = try await plan(desired, now: now)
        timings.plan = clock.now - stepStart
        let activeAfter = plan.summary.unchanged + plan.summary.updates + plan.summary.creates + plan.summary.revives
        let activeBefore = plan.summary.unchanged + plan.summary.updates + plan.summary.retires
        if activeAfter == 0, activeBefore > 0, !options.allowEmpty {
            report.diagnostics.append(Self.emptySourceDiagnostic(
                path: manifestsPath, commit: stamp, live: activeBefore,
                consequence: "; nothing was retired. Check the path and the merge; to retire every pipeline on purpose, run `baton reconcile --once --allow-empty`"))
            report.diagnostics.sort()
            report.plan = plan
            report.timings = timings
            if write { report.revisionID = try await record(report, stored: stored, now: now, verification: policy) }
            return report
        }

        stepStart = clock.now
        if !plan.entries.isEmpty {
            do {
                try Self.attribute(&plan, repository: repository, from: lastApplied.flatMap { repository.contains($0) ? $0 : nil }, to: commit, tip: stamp, under: manifestsPath)
            } catch {
                throw ReconcileError(error, stage: .read)
            }
        }
        timings.attribute = clock.now - stepStart
        report.plan = plan
        report.outcome = plan.summary.hasChanges || lastApplied == nil ? .applied : .unchanged
        stepStart = clock.now
        if write {
            let treeID: GitObjectID
            do { treeID = try repository.treeID(ofCommit: commit) } catch { throw ReconcileError(error, stage: .read) }
            report.revisionID = try await apply(report, desired: desired, treeID: treeID, stored: stored, now: now, verification: policy)
            report.applied = true
        }
        timings.apply = clock.now - stepStart
        report.timings = timings
        return report
    }

    // MARK: Steps

    /// The planned changes for what was read, against the store.
    func plan(_ desired: DesiredRead, now: Date) async throws(ReconcileError) -> Plan {
        do {
            let activeBefore = try await store.activePipelineCount()
            let records: [PipelineRecord]
            switch desired.scope {
            case .all: records = try await store.pipelines()
            case .names(let names): records = names.isEmpty ? [] : try await store.pipelines(named: Array(names))
            }
            var live: [String: LivePipeline] = [:]
            var needSpec: [String] = []
            for record in records {
                live[record.name] = LivePipeline(name: record.name, state: record.state, version: record.version, specHash: record.specHash)
                let want = desired.pipelines[record.name]
                if want?.specHash != record.specHash || record.state == .retired { needSpec.append(record.name) }
            }
            if !needSpec.isEmpty {
                for version in try await store.currentVersions(of: needSpec) {
                    live[version.pipeline]?.spec = version.spec
                    live[version.pipeline]?.path = version.filePath
                    live[version.pipeline]?.blobID = version.blobID
                }
            }
            return Planner.plan(desired: desired.pipelines, live: live, scope: desired.scope, activeBefore: activeBefore, now: now)
        } catch {
            throw ReconcileError(error)
        }
    }

    /// Writes an applied or unchanged revision: versions, audit events, index and source, in
    /// one transaction.
    func apply(_ report: ReconcileReport, desired: DesiredRead, treeID: GitObjectID, stored: SourceRecord?, now: Date, verification: String?) async throws(ReconcileError) -> Int64? {
        let versions = report.plan.entries.map { entry in
            let attribution = entry.attribution ?? ChangeAttribution(commit: report.commit)
            return PipelineVersion(
                pipeline: entry.pipeline, changeKind: entry.kind, spec: entry.spec, specHash: entry.specHash,
                commit: attribution.commit, revisionCommit: report.commit.id, treeID: treeID.hex,
                filePath: entry.path, blobID: entry.blobID, mergeCommit: attribution.mergeCommit, mergedBy: attribution.mergedBy,
                changes: entry.changes, appliedAt: now)
        }
        var source = nextSource(stored, report: report, now: now, verification: verification)
        source.lastAppliedCommit = report.commit.id
        source.lastAppliedAt = now
        let write = RevisionWrite(
            expectedLastApplied: stored?.lastAppliedCommit, revision: revision(report, now: now), source: source,
            versions: versions, indexUpserts: desired.indexUpserts, indexDeletions: desired.indexDeletions,
            replaceIndex: desired.scope.isAll)
        do {
            return try await store.apply(write)?.id
        } catch {
            throw ReconcileError(error)
        }
    }

    /// Writes a rejected revision: the source remembers the commit and why; nothing live moves.
    func record(_ report: ReconcileReport, stored: SourceRecord?, now: Date, verification: String?) async throws(ReconcileError) -> Int64? {
        let write = RevisionWrite(
            expectedLastApplied: stored?.lastAppliedCommit, revision: revision(report, now: now),
            source: nextSource(stored, report: report, now: now, verification: verification))
        do {
            return try await store.apply(write)?.id
        } catch {
            throw ReconcileError(error)
        }
    }

    /// Records a failed fetch on the source, keeping everything else.
    func recordFailure(_ error: GitError, stored: SourceRecord?) async throws(ReconcileError) {
        var source = stored ?? SourceRecord(url: source.redactedURL, ref: source.ref.description, path: manifestsPath, rulesVersion: Self.rulesVersion)
        source.lastError = error.description
        source.lastErrorAt = options.now()
        source.lastErrorTransient = error.isTransient
        source.consecutiveFailures += 1
        do {
            try await store.apply(RevisionWrite(expectedLastApplied: stored?.lastAppliedCommit, revision: nil, source: source))
        } catch {
            throw ReconcileError(error)
        }
    }

    // MARK: Helpers

    private func storedSource() async throws(ReconcileError) -> SourceRecord? {
        do { return try await store.source() } catch { throw ReconcileError(error) }
    }

    private func count() async throws(ReconcileError) -> Int {
        do { return try await store.activePipelineCount() } catch { throw ReconcileError(error) }
    }

    /// Whether the stored source was judged under the same settings: otherwise unchanged
    /// files cannot be trusted and the pass reads everything.
    private func sameSettings(_ stored: SourceRecord) -> Bool {
        stored.url == source.redactedURL && stored.path == manifestsPath && stored.rulesVersion == Self.rulesVersion
    }

    private func nextSource(_ stored: SourceRecord?, report: ReconcileReport, now: Date, verification: String?) -> SourceRecord {
        var next = stored ?? SourceRecord(url: source.redactedURL, ref: source.ref.description, path: manifestsPath, rulesVersion: Self.rulesVersion)
        next.url = source.redactedURL
        next.ref = source.ref.description
        next.path = manifestsPath
        next.lastFetchedCommit = report.commit.id
        next.lastFetchedAt = now
        next.lastAttemptedCommit = report.commit.id
        next.lastAttemptedAt = now
        next.lastAttemptOutcome = report.outcome
        next.lastAttemptAuthor = report.commit.author
        next.lastAttemptDiagnostics = report.diagnostics
        next.lastError = nil
        next.lastErrorAt = nil
        next.lastErrorTransient = nil
        next.consecutiveFailures = 0
        if report.outcome != .rejected { next.rulesVersion = Self.rulesVersion }
        next.verification = verification
        return next
    }

    private func revision(_ report: ReconcileReport, now: Date) -> RevisionRecord {
        RevisionRecord(commit: report.commit, outcome: report.outcome, movement: report.movement, summary: report.plan.summary, diagnostics: report.diagnostics, recordedAt: now, signer: report.signer)
    }

    /// The fingerprint of the signature policy and its keys, read afresh each pass so that an
    /// edited allowed-signers file takes effect without a restart.
    private func verificationFingerprint() throws(ReconcileError) -> String? {
        guard let verification = options.verification else { return nil }
        do { return try verification.fingerprint() } catch { throw ReconcileError(error, stage: .verify) }
    }

    /// The `empty-source` error, for a pass (`consequence` says nothing was retired) and for
    /// `plan --base --head` (it says what applying would do); `consequence` follows "live".
    static func emptySourceDiagnostic(path manifestsPath: String, commit: CommitStamp, live: Int, consequence: String) -> Diagnostic {
        let path = manifestsPath.isEmpty ? "/" : manifestsPath
        return Diagnostic(
            file: path, line: 1, column: 1, pointer: "", severity: .error, code: .emptySource,
            message: "commit \(commit.short) has no manifest under \"\(path)\" while \(live) pipeline\(live == 1 ? " is" : "s are") live\(consequence)")
    }

    static func movement(_ repository: GitRepository, from old: GitObjectID?, to new: GitObjectID) throws(GitError) -> RevisionMovement {
        guard let old else { return .initial }
        switch try repository.movement(from: old, to: new) {
        case .same: return .same
        case .fastForward: return .fastForward
        case .rewind: return .rewind
        case .unrelated: return .unrelated
        }
    }
}

extension CommitStamp {
    init(_ info: CommitInfo) {
        self.init(
            id: info.id.hex, author: Person(name: info.author.name, email: info.author.email), authorTime: info.author.time,
            committer: Person(name: info.committer.name, email: info.committer.email), commitTime: info.committer.time,
            subject: info.subject)
    }
}

extension CommitSigner {
    init(_ signer: SignatureCheck.Signer) {
        let method: Method = switch signer.format {
        case .ssh: .ssh
        case .openpgp: .openpgp
        }
        self.init(method: method, identity: signer.identity, key: signer.key)
    }
}

extension ChangeAttribution {
    init(commit: CommitStamp) {
        self.init(commit: commit, mergeCommit: nil, mergedBy: nil)
    }
}
