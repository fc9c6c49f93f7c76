// The reconciler's side of Benchmarks/reconcile-benchmark.sh (release build). Prints one JSON
// object per invocation.
//
//   ReconcileBenchmark cold URL WORK_DIR
//       One pass into an empty state directory: clone the source, read and judge every
//       manifest, plan, apply every create in one transaction. `ms` is the whole pass,
//       `clone_ms` its fetch step (the clone), `steps_ms` every step; `max_rss_mb` is the process's peak
//       resident memory (run in its own process so nothing else counts).
//   ReconcileBenchmark warm URL WORK_DIR ROUNDS
//       Prepares a state directory with the parent of the ref's commit applied (a pinned
//       ref), then per round, on a fresh copy of it: `one_file` is a pass on the ref's
//       commit, which changed one manifest; `no_change` is the next pass on the same commit;
//       `no_change_with_fetch` is a whole `reconcile` (the fetch included) with nothing new.
//       Passes exclude the fetch because its cost is the network's (see the Git layer's
//       no-op fetch figure); `no_change_with_fetch` shows the two together.
import BatonGit
import BatonReconciler
import BatonStore
import Foundation

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
}

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(1)
}

func cold(url: String, work: String) async throws {
    let state = "\(work)/cold"
    try? FileManager.default.removeItem(atPath: state)
    let clock = ContinuousClock()
    let start = clock.now
    let store = try SQLiteStore(stateDirectory: state)
    let mirror = GitMirror(stateDirectory: state)
    let source = GitSource(url: url, ref: .branch("main"))
    let report = try await Reconciler(store: store, source: source).reconcile(mirror: mirror)
    let elapsed = clock.now - start
    guard report.outcome == .applied, report.plan.summary.creates > 0 else { fail("cold pass did not apply: \(report.outcome) \(report.diagnostics.prefix(3))") }
    let steps = report.timings
    emit(["ms": milliseconds(elapsed), "clone_ms": milliseconds(report.timings.fetch), "max_rss_mb": peakResidentMegabytes(),
          "creates": report.plan.summary.creates,
          "steps_ms": ["fetch": milliseconds(steps.fetch), "read": milliseconds(steps.read), "plan": milliseconds(steps.plan),
                       "attribute": milliseconds(steps.attribute), "apply": milliseconds(steps.apply)]])
    try? FileManager.default.removeItem(atPath: state)
}

func warm(url: String, work: String, rounds: Int) async throws {
    let template = "\(work)/template"
    try? FileManager.default.removeItem(atPath: template)
    let mirror = GitMirror(stateDirectory: template)
    let head = try mirror.sync(GitSource(url: url, ref: .branch("main")))
    let repository = try GitRepository(path: head.mirrorPath)
    guard let parent = try repository.commitInfo(head.commit).parents.first else { fail("the fixture's head has no parent") }
    let pinned = GitSource(url: url, ref: .commit(parent))
    let base = try await Reconciler(store: try SQLiteStore(stateDirectory: template), source: pinned).reconcile(mirror: mirror)
    guard base.outcome == .applied else { fail("could not apply the base commit: \(base.outcome)") }

    let clock = ContinuousClock()
    var oneFile: [Double] = [], noChange: [Double] = [], noChangeFetch: [Double] = []
    for round in 0..<rounds {
        let state = "\(work)/round-\(round)"
        try? FileManager.default.removeItem(atPath: state)
        try FileManager.default.copyItem(atPath: template, toPath: state)
        let store = try SQLiteStore(stateDirectory: state)
        let roundMirror = GitMirror(stateDirectory: state)
        let reconciler = Reconciler(store: store, source: GitSource(url: url, ref: .branch("main")))
        let mirrorRepository = try GitRepository(path: roundMirror.mirrorPath(for: url))

        var start = clock.now
        let changed = try await reconciler.pass(repository: mirrorRepository, commit: head.commit)
        oneFile.append(milliseconds(clock.now - start))
        guard changed.plan.summary.updates == 1, changed.incremental else { fail("the one-file pass did not update one pipeline incrementally: \(changed.plan.summary)") }

        start = clock.now
        let same = try await reconciler.pass(repository: mirrorRepository, commit: head.commit)
        noChange.append(milliseconds(clock.now - start))
        guard same.alreadyJudged else { fail("the no-change pass judged the commit again") }

        start = clock.now
        let fetched = try await reconciler.reconcile(mirror: roundMirror)
        noChangeFetch.append(milliseconds(clock.now - start))
        guard fetched.alreadyJudged else { fail("the no-change reconcile judged the commit again") }
        try? FileManager.default.removeItem(atPath: state)
    }
    emit(["one_file_ms": oneFile, "no_change_ms": noChange, "no_change_with_fetch_ms": noChangeFetch, "max_rss_mb": peakResidentMegabytes()])
}

let arguments = CommandLine.arguments
do {
    switch (arguments.count > 1 ? arguments[1] : "", arguments.count) {
    case ("cold", 4): try await cold(url: arguments[2], work: arguments[3])
    case ("warm", 5): try await warm(url: arguments[2], work: arguments[3], rounds: Int(arguments[4]) ?? 7)
    default: fail("usage: ReconcileBenchmark cold URL WORK_DIR | warm URL WORK_DIR ROUNDS")
    }
} catch {
    fail("\(error)")
}
