import BatonGit
import BatonManifest
import BatonReconciler
import BatonStore
import BatonTestSupport
import Foundation
import PropertyBased
import Testing

/// Decision 9: reading only what a diff touched must give exactly what reading the whole
/// commit gives. Random histories (adds, edits, moves, renames, deletes, invalid commits,
/// duplicates, emptied folders, rewinds) are applied pass by pass to two stores, one
/// reading incrementally and one reading everything every time; after every commit both
/// must hold the same live state, index, verdict and errors.
@Suite struct IncrementalEquivalenceTests {
    static let paths = ["manifests/a.json", "manifests/b.json", "manifests/team/c.json", "manifests/team/deep/d.json", "manifests/e.json"]
    static let names = ["sales", "ops", "billing", "audit", "reports", "growth"]
    static let crons = ["0 2 * * *", "30 6 * * MON-FRI", "*/15 * * * *", "0 0 1 * *"]

    @Test func incrementalPassesMatchFullPasses() async throws {
        let steps = Gen.int(in: 0...9999).array(of: 4...14)
        await propertyCheck(count: 24, input: steps) { steps in
            try await Self.check(steps)
        }
    }

    /// A fixed history touching every kind of step, so a regression shows without luck.
    @Test func aHistoryWithEveryKindOfStep() async throws {
        try await Self.check([0, 10, 20, 31, 42, 53, 64, 75, 86, 97, 100, 11, 5, 7, 19, 2, 45, 55, 65, 96, 99])
    }

    static func check(_ steps: [Int]) async throws {
        let temp = try TemporaryDirectory()
        let repo = try FixtureRepository(at: temp.sub("pipelines"))
        let incremental = try SQLiteStore(stateDirectory: temp.sub("incremental"))
        let full = try SQLiteStore(stateDirectory: temp.sub("full"))
        let source = GitSource(url: repo.path, ref: .branch("main"))
        let fixed = Date(timeIntervalSince1970: 1_767_225_600)
        let incrementalReconciler = Reconciler(store: incremental, source: source, options: .init(now: { fixed }))
        let fullReconciler = Reconciler(store: full, source: source, options: .init(forceFullRead: true, now: { fixed }))

        try repo.write("manifests/a.json", ReconcilerHarness.manifest("sales"))
        var commits = [try repo.commit("Start")]
        var log: [String] = []
        for (index, step) in steps.enumerated() {
            log.append(try apply(step, to: repo, commits: commits))
            commits.append(try repo.commit("step \(index)"))
            let repository = try GitRepository(path: repo.path)
            let commit = try #require(GitObjectID(hex: commits.last!))
            let a = try await incrementalReconciler.pass(repository: repository, commit: commit)
            let b = try await fullReconciler.pass(repository: repository, commit: commit)
            let context = Comment(rawValue: "after steps \(log)")
            #expect(a.outcome == b.outcome, context)
            #expect(a.plan.summary == b.plan.summary, context)
            #expect(a.plan.entries.map { "\($0.kind) \($0.pipeline) \($0.path) \($0.specHash)" } == b.plan.entries.map { "\($0.kind) \($0.pipeline) \($0.path) \($0.specHash)" }, context)
            #expect(errors(a.diagnostics) == errors(b.diagnostics), context)
            #expect(try await snapshot(incremental) == snapshot(full), context)
        }
    }

    /// Interprets one random number as one change to the working tree.
    static func apply(_ step: Int, to repo: FixtureRepository, commits: [String]) throws -> String {
        let path = paths[step / 10 % paths.count]
        let other = paths[step / 50 % paths.count]
        let name = names[step / 7 % names.count]
        let cron = crons[step / 3 % crons.count]
        let exists = FileManager.default.fileExists(atPath: "\(repo.path)/\(path)")
        switch step % 10 {
        case 0, 1:
            try repo.write(path, ReconcilerHarness.manifest(name, cron: cron))
            return "write \(name) at \(path)"
        case 2:
            guard exists else { return "nothing to delete" }
            try repo.remove(path)
            return "delete \(path)"
        case 3:
            guard exists, path != other else { return "nothing to move" }
            try repo.git("mv", "-f", path, other)
            return "move \(path) to \(other)"
        case 4:
            guard exists, path != other else { return "nothing to move" }
            try repo.git("mv", "-f", path, other)
            try repo.write(other, ReconcilerHarness.manifest(name, cron: cron, run: "./moved.sh"))
            return "move and edit \(path) to \(other) as \(name)"
        case 5:
            try repo.write(path, ReconcilerHarness.manifest(name, cron: "0 25 * * *"))
            return "invalid \(path)"
        case 6:
            guard commits.count > 1 else { return "nothing to rewind" }
            let target = commits[step / 10 % (commits.count - 1)]
            try repo.git("reset", "-q", "--hard", target)
            return "rewind to \(target.prefix(7))"
        case 7:
            try repo.write(path, ReconcilerHarness.manifest(name, cron: cron, description: "reformatted"))
            try repo.write(other, ReconcilerHarness.manifest(name, cron: cron))
            return "write \(name) at \(path) and \(other)"
        case 8:
            try repo.write("README.md", "step \(step)\n")
            return "docs only"
        default:
            if step % 3 == 0 {
                try? FileManager.default.removeItem(atPath: "\(repo.path)/manifests")
                return "remove every manifest"
            }
            try repo.write(path, "{ not json")
            return "broken json at \(path)"
        }
    }

    static func errors(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.filter { $0.severity == .error }.map { "\($0.file):\($0.line):\($0.column) \($0.code)" }.sorted()
    }

    /// Everything about the live state that must not depend on how it was read.
    struct Snapshot: Equatable {
        var pipelines: [String]
        var current: [String]
        var index: [ManifestIndexEntry]
        var applied: String?
        var attempted: String?
        var outcome: RevisionOutcome?
    }

    static func snapshot(_ store: SQLiteStore) async throws -> Snapshot {
        let pipelines = try await store.pipelines()
        let current = try await store.currentVersions(of: pipelines.map(\.name))
        let source = try await store.source()
        return Snapshot(
            pipelines: pipelines.map { "\($0.name) \($0.state) v\($0.version) \($0.specHash)" },
            current: current.map { "\($0.pipeline) \($0.changeKind) \($0.commit.id) \($0.filePath) \($0.blobID) \($0.mergeCommit ?? "-")" },
            index: try await store.manifestIndex(),
            applied: source?.lastAppliedCommit, attempted: source?.lastAttemptedCommit, outcome: source?.lastAttemptOutcome)
    }
}
