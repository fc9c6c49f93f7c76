// The Git layer's side of Benchmarks/git-benchmark.sh: times BatonGit (release build) against
// a `git daemon` and prints one JSON object. The script times the `git` CLI equivalents
// between runs of this program, so both sides share the machine's state.
//
//   GitBenchmark URL STATE_DIR REF MANIFESTS_PATH [REPETITIONS]
//
// Each repetition, in a fresh `STATE_DIR/run-<n>` (removed afterwards):
//   clone        `GitMirror.sync` into the empty state directory (the first sync of a source)
//   noop_fetch   `GitMirror.sync` again with nothing new on the remote, passing the commit as
//                the last applied one, as the reconciler does on every pass
//   read         `GitRepository(path:)` + `manifests(at:under:)`: every manifest's bytes
//   diff         `GitRepository(path:)` + `manifestChanges(from: parent, to: commit, under:)`
// Opening the repository is inside the timed region of `read` and `diff` because the
// reconciler opens it on each pass and `git` pays the same in every process it starts.
// For whoever profiles next, three more figures split those up: `open` (`GitRepository(path:)`
// alone), and `read_warm` and `diff_warm` (the same call again on a repository already used
// once, so libgit2's pack index and object caches are loaded).
// Times are milliseconds from `ContinuousClock` (monotonic); medians are per operation.
//
// For profiling the read alone (under `valgrind --tool=callgrind`, say) without a daemon:
//
//   GitBenchmark --read REPOSITORY COMMIT MANIFESTS_PATH [REPETITIONS]
//
// opens REPOSITORY (a mirror or any local repository) and reads every manifest at COMMIT
// (a full hex id), printing each repetition's milliseconds, the blob count and total bytes.
// To get a mirror exactly as Baton makes it (packs written by libgit2's indexer):
//
//   GitBenchmark --mirror URL STATE_DIR REF      # prints the mirror's path and the commit
import BatonGit
import Foundation

struct Options {
    var url: String
    var stateDirectory: String
    var ref: GitSource.Ref
    var manifestsPath: String
    var repetitions: Int

    static func parse(_ arguments: [String]) throws -> Options {
        guard (5...6).contains(arguments.count) else {
            throw Usage(message: "usage: GitBenchmark URL STATE_DIR REF MANIFESTS_PATH [REPETITIONS]")
        }
        let repetitions = arguments.count == 6 ? Int(arguments[5]) : 5
        guard let repetitions, repetitions > 0 else {
            throw Usage(message: "REPETITIONS must be a positive integer, not \(arguments[5])")
        }
        return Options(url: arguments[1], stateDirectory: arguments[2], ref: try GitSource.Ref(parsing: arguments[3]),
                       manifestsPath: arguments[4], repetitions: repetitions)
    }
}

struct Usage: Error {
    var message: String
}

/// One repetition's measurements, plus what was read so the script can check both sides
/// did the same work.
struct Sample {
    var clone: Double
    var noopFetch: Double
    var read: Double
    var diff: Double
    var open: Double
    var readWarm: Double
    var diffWarm: Double
    var manifests: Int
    var bytes: Int
    var changes: [String]
    var commit: GitObjectID
    var parent: GitObjectID
}

/// Runs `body` once and returns its result with the elapsed milliseconds.
func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let clock = ContinuousClock()
    let start = clock.now
    let result = try body()
    let elapsed = clock.now - start
    let (seconds, attoseconds) = elapsed.components
    return (result, Double(seconds) * 1_000 + Double(attoseconds) / 1e15)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

func runOnce(_ options: Options, index: Int) throws -> Sample {
    let state = "\(options.stateDirectory)/run-\(index)"
    try? FileManager.default.removeItem(atPath: state)
    try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: state) }

    let mirror = GitMirror(stateDirectory: state, fetchTimeout: 120)
    let source = GitSource(url: options.url, ref: options.ref, manifestsPath: options.manifestsPath)

    let (cloned, clone) = try timed { try mirror.sync(source) }
    guard cloned.cloned else { throw Usage(message: "the first sync into \(state) did not clone") }
    let (fetched, noopFetch) = try timed { try mirror.sync(source, lastApplied: cloned.commit) }
    guard !fetched.cloned, fetched.commit == cloned.commit else {
        throw Usage(message: "the no-op sync moved to \(fetched.commit) or recloned (cloned: \(fetched.cloned))")
    }

    let (snapshot, read) = try timed {
        try GitRepository(path: cloned.mirrorPath).manifests(at: cloned.commit, under: source.manifestsPath)
    }
    guard snapshot.diagnostics.isEmpty else {
        throw Usage(message: "the fixture has diagnostics: \(snapshot.diagnostics.prefix(3))")
    }

    guard let parent = try GitRepository(path: cloned.mirrorPath).commitInfo(cloned.commit).parents.first else {
        throw Usage(message: "commit \(cloned.commit) has no parent to diff against")
    }
    let (changes, diff) = try timed {
        try GitRepository(path: cloned.mirrorPath).manifestChanges(from: parent, to: cloned.commit, under: source.manifestsPath)
    }

    let (repository, open) = try timed { try GitRepository(path: cloned.mirrorPath) }
    _ = try repository.manifestChanges(from: parent, to: cloned.commit, under: source.manifestsPath)
    let (_, diffWarm) = try timed {
        try repository.manifestChanges(from: parent, to: cloned.commit, under: source.manifestsPath)
    }
    let (_, readWarm) = try timed { try repository.manifests(at: cloned.commit, under: source.manifestsPath) }

    return Sample(clone: clone, noopFetch: noopFetch, read: read, diff: diff,
                  open: open, readWarm: readWarm, diffWarm: diffWarm,
                  manifests: snapshot.blobs.count, bytes: snapshot.blobs.reduce(0) { $0 + $1.bytes.count },
                  changes: changes.map(\.path), commit: cloned.commit, parent: parent)
}

func report(_ samples: [Sample]) throws -> String {
    func operation(_ values: [Double]) -> [String: Any] {
        ["median_ms": median(values), "samples_ms": values]
    }
    let first = samples[0]
    let object: [String: Any] = [
        "repetitions": samples.count,
        "commit": first.commit.hex,
        "parent": first.parent.hex,
        "manifests": first.manifests,
        "bytes": first.bytes,
        "changed_files": first.changes,
        "clone": operation(samples.map(\.clone)),
        "noop_fetch": operation(samples.map(\.noopFetch)),
        "read": operation(samples.map(\.read)),
        "diff": operation(samples.map(\.diff)),
        "open": operation(samples.map(\.open)),
        "read_warm": operation(samples.map(\.readWarm)),
        "diff_warm": operation(samples.map(\.diffWarm)),
    ]
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

/// The `--read` mode: one `GitRepository(path:)` + `manifests(at:under:)` per repetition.
func readOnly(_ arguments: [String]) throws {
    guard (4...5).contains(arguments.count), let commit = GitObjectID(hex: arguments[2]) else {
        throw Usage(message: "usage: GitBenchmark --read REPOSITORY COMMIT MANIFESTS_PATH [REPETITIONS]")
    }
    let repetitions = arguments.count == 5 ? Int(arguments[4]) ?? 1 : 1
    for _ in 0..<max(1, repetitions) {
        let (snapshot, elapsed) = try timed {
            try GitRepository(path: arguments[1]).manifests(at: commit, under: arguments[3])
        }
        let bytes = snapshot.blobs.reduce(0) { $0 + $1.bytes.count }
        print(String(format: "read %.1f ms: %d blobs, %d bytes, %d diagnostics", elapsed, snapshot.blobs.count, bytes,
                     snapshot.diagnostics.count))
    }
}

/// The `--mirror` mode: one `GitMirror.sync`, kept.
func mirrorOnly(_ arguments: [String]) throws {
    guard arguments.count == 4 else { throw Usage(message: "usage: GitBenchmark --mirror URL STATE_DIR REF") }
    let result = try GitMirror(stateDirectory: arguments[2], fetchTimeout: 120)
        .sync(GitSource(url: arguments[1], ref: try GitSource.Ref(parsing: arguments[3])))
    print(result.mirrorPath, result.commit.hex)
}

do {
    if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "--mirror" {
        try mirrorOnly(Array(CommandLine.arguments.dropFirst()))
        exit(0)
    }
    if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "--read" {
        try readOnly(Array(CommandLine.arguments.dropFirst()))
        exit(0)
    }
    let options = try Options.parse(CommandLine.arguments)
    var samples: [Sample] = []
    for index in 0..<options.repetitions {
        samples.append(try runOnce(options, index: index))
    }
    print(try report(samples))
} catch let usage as Usage {
    FileHandle.standardError.write(Data("GitBenchmark: \(usage.message)\n".utf8))
    exit(2)
} catch {
    FileHandle.standardError.write(Data("GitBenchmark: \(error)\n".utf8))
    exit(1)
}
