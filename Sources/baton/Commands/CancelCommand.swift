import ArgumentParser
import BatonDaemon
import BatonEngine
import BatonStore
import Foundation

/// `baton cancel RUN`: stops a run.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a queued or running run.",
        discussion: """
            A queued run is marked cancelled at once. For a running one, the request is \
            recorded on the run (so its executor starts nothing more) and each running \
            task's process group gets SIGTERM; the executor then records every state and \
            ends the run as cancelled.

            Exit status: 0 when cancelled (or already finished), 1 when the run is unknown.
            """)

    @OptionGroup var options: StateOptions

    @Argument(help: "The run's id (see `baton runs`).")
    var runID: Int64

    func run() async throws {
        try await reportingFailures(json: false) {
            let store = try options.existingStore()
            do {
                guard var run = try await store.run(id: runID) else { throw CommandFailure("no run \(runID); `baton runs` lists them", code: "unknown-run") }
                if run.isFinished {
                    Output.text("run \(runID) already ended: \(run.state.rawValue)")
                    return
                }
                let user = ProcessInfo.processInfo.environment["USER"] ?? String(getuid())
                run.reason = "\(RunExecutor.cancelPrefix) by \(user)"
                if run.state == .queued {
                    run.state = .cancelled
                    run.finishedAt = Date()
                }
                try await store.updateRun(run)
                var signalled = 0
                for attempt in try await store.attempts(ofRun: runID) where attempt.state == TaskState.running.rawValue {
                    guard let pid = attempt.pid, let start = attempt.processStartTime,
                          ProcessIdentity(pid: pid_t(pid), startTime: start).isAlive else { continue }
                    if kill(-pid_t(pid), SIGTERM) == 0 { signalled += 1 }
                }
                // A daemon running the run cancels it itself, its processes included.
                DaemonControl.notify(stateDirectory: options.stateDirectory)
                Output.text("run \(runID): cancel requested\(signalled > 0 ? "; stopped \(signalled) running task\(signalled == 1 ? "" : "s")" : "")")
            } catch let failure as CommandFailure {
                throw failure
            } catch {
                throw CommandFailure("\(error)")
            }
        }
    }
}

/// Whether a recorded process is still the same process: the pid alone could have been
/// reused since.
