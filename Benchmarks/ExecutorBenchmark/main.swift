// The executor's benchmark (release build), side by side in one process:
//
//   ExecutorBenchmark WORK_DIR [RUNS]
//
//   one_task_runs     RUNS runs of a one-task pipeline (`true`) through RunExecutor, each
//                     recorded in a real SQLite store, against a plain loop spawning
//                     `/bin/sh -c true` with posix_spawn + waitpid, alternated in rounds:
//                     one run at a time, and all submitted at once with 16 workers.
//                     Target: at least 60 % of the plain loop's rate.
//   sequential_40     one run of 40 sequential `true` tasks, end to end. Target <= 200 ms.
//   fan_out_200       one run of 200 independent `true` tasks with --workers 16. Reported.
// Prints one JSON object.
import BatonEngine
import BatonManifest
import BatonStore
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(1)
}

func request(_ json: String, tree: String) -> RunRequest {
    guard let pipeline = ManifestFile(path: "bench.json", bytes: Array(json.utf8)).pipeline else { fail("invalid benchmark manifest") }
    return RunRequest(pipeline: pipeline, versionID: nil, commit: "", treeRoot: tree)
}

func manifest(_ tasks: [String], extra: String = "") -> String {
    #"{"apiVersion": "baton/v1", "kind": "Pipeline", "name": "bench"\#(extra), "tasks": [\#(tasks.joined(separator: ","))]}"#
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// The reference: spawn `/bin/sh -c true` and wait, `count` times.
func plainLoop(_ count: Int) -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<count {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup("true"), nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { fail("posix_spawn failed") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
    return Double(count) / seconds(clock.now - start)
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else { fail("usage: ExecutorBenchmark WORK_DIR [RUNS]") }
let work = arguments[1]
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 1000 : 1000
try? FileManager.default.removeItem(atPath: work)
let tree = work + "/tree"
try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
let store = try SQLiteStore(stateDirectory: work + "/state")
let executor = RunExecutor(store: store, stateDirectory: work + "/state", workers: 16)
let clock = ContinuousClock()

// One-task runs against the plain loop, in 5 alternating rounds: one run at a time (each
// run waits for the previous one), and all submitted at once with 16 workers, the way the
// daemon runs a burst of slots.
let oneTask = request(manifest([#"{"id": "t", "run": "true"}"#]), tree: tree)
// The same with a task that prints a line, so each run also creates its log file.
let printing = request(manifest([#"{"id": "t", "run": "echo line"}"#]), tree: tree)
var executorRates: [Double] = [], concurrentRates: [Double] = [], printingRates: [Double] = [], plainRates: [Double] = []

func submittedAtOnce(_ request: RunRequest, _ count: Int) async throws -> Double {
    let start = clock.now
    try await withThrowingTaskGroup(of: RunResult.self) { group in
        for index in 0..<count {
            if index >= 16, let result = try await group.next(), result.run.state != .succeeded { fail("a one-task run failed") }
            group.addTask { try await executor.execute(request) }
        }
        for try await result in group where result.run.state != .succeeded { fail("a one-task run failed") }
    }
    return Double(count) / seconds(clock.now - start)
}
let perRound = max(1, runs / 5)
for _ in 0..<5 {
    let start = clock.now
    for _ in 0..<perRound {
        let result = try await executor.execute(oneTask)
        guard result.run.state == .succeeded else { fail("a one-task run failed: \(result.tasks)") }
    }
    executorRates.append(Double(perRound) / seconds(clock.now - start))
    plainRates.append(plainLoop(perRound))
    concurrentRates.append(try await submittedAtOnce(oneTask, perRound))
    printingRates.append(try await submittedAtOnce(printing, perRound))
}

// 40 sequential tasks.
let chain = (0..<40).map { index in index == 0 ? #"{"id": "t0", "run": "true"}"# : #"{"id": "t\#(index)", "needs": ["t\#(index - 1)"], "run": "true"}"# }
var sequential: [Double] = []
for _ in 0..<5 {
    let start = clock.now
    let result = try await executor.execute(request(manifest(chain), tree: tree))
    guard result.run.state == .succeeded else { fail("the chain failed") }
    sequential.append(seconds(clock.now - start) * 1000)
}

// 200 parallel tasks, 16 workers.
let fan = (0..<200).map { #"{"id": "t\#($0)", "run": "true"}"# }
var fanOut: [Double] = []
for _ in 0..<3 {
    let start = clock.now
    let result = try await executor.execute(request(manifest(fan), tree: tree))
    guard result.run.state == .succeeded else { fail("the fan-out failed") }
    fanOut.append(seconds(clock.now - start) * 1000)
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let object: [String: Any] = [
    "executor_runs_per_s": executorRates, "executor_concurrent_runs_per_s": concurrentRates, "executor_printing_runs_per_s": printingRates, "plain_spawns_per_s": plainRates,
    "ratio_median": median(executorRates) / median(plainRates),
    "concurrent_ratio_median": median(concurrentRates) / median(plainRates),
    "sequential_40_ms": sequential, "fan_out_200_ms": fanOut,
]
print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
try? FileManager.default.removeItem(atPath: work)
