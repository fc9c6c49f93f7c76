import BatonEngine
import BatonTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Timeouts, cancellation and leftovers: whatever ends a task, its whole process group goes.
@Suite struct ProcessTerminationTests {
    @Test func aTimeoutKillsTheWholeGroupGrandchildrenIncluded() async throws {
        let directory = try TemporaryDirectory()
        let spec = ProcessTesting.spec(
            .shell("sleep 1000 & sleep 1000"), in: directory, timeout: .seconds(1), killGrace: .milliseconds(500))
        let clock = ContinuousClock()
        let began = clock.now
        let outcome = try await ProcessTesting.run(spec)
        #expect(clock.now - began < .seconds(20))
        #expect(outcome.timedOut)
        #expect(!outcome.succeeded)
        #expect(outcome.signal == SIGTERM)
        #expect(ProcessTesting.runningMembers(of: outcome.pid).isEmpty)
        #expect(await ProcessTesting.groupVanishes(outcome.pid))
    }

    @Test func aProcessIgnoringSigtermGetsSigkillAfterTheGrace() async throws {
        let directory = try TemporaryDirectory()
        let spec = ProcessTesting.spec(
            .shell("trap '' TERM; sleep 1000; sleep 1000"), in: directory,
            timeout: .milliseconds(300), killGrace: .milliseconds(700))
        let clock = ContinuousClock()
        let began = clock.now
        let outcome = try await ProcessTesting.run(spec)
        let took = clock.now - began
        #expect(outcome.timedOut)
        #expect(outcome.signal == SIGKILL)
        #expect(took >= .milliseconds(1000))
        #expect(took < .seconds(20))
        #expect(ProcessTesting.runningMembers(of: outcome.pid).isEmpty)
    }

    @Test func cancellingTheTaskTerminatesTheGroup() async throws {
        let directory = try TemporaryDirectory()
        let signal = StartedSignal()
        let spec = ProcessTesting.spec(.shell("sleep 1000 & sleep 1000; echo never"), in: directory)
        let run = Task { try await ProcessRunner().run(spec) { pid, start in signal(pid, start) } }
        _ = await signal.first()
        run.cancel()
        let outcome = try await run.value
        #expect(outcome.cancelled)
        #expect(!outcome.timedOut && !outcome.succeeded)
        #expect(outcome.signal == SIGTERM)
        #expect(ProcessTesting.runningMembers(of: outcome.pid).isEmpty)
        // It printed nothing: no log file, and certainly not the line after the sleeps.
        let log = (try? String(contentsOfFile: spec.logPath, encoding: .utf8)) ?? ""
        #expect(!log.contains("never"))
    }

    @Test func nothingStartsWhenTheTaskIsAlreadyCancelled() async throws {
        let directory = try TemporaryDirectory()
        let spec = ProcessTesting.spec(.shell("touch ran"), in: directory)
        let run = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await ProcessTesting.run(spec)
        }
        let outcome = try await run.value
        #expect(outcome.cancelled && outcome.pid == 0)
        #expect(!FileManager.default.fileExists(atPath: directory.sub("ran")))
    }

    /// The background `sleep` keeps the pipes open; without terminating the group the runner
    /// would wait 1000 s for their end of file.
    @Test func aBackgroundChildLeftBehindIsTerminatedAndTheCallReturns() async throws {
        let directory = try TemporaryDirectory()
        let spec = ProcessTesting.spec(.shell("sleep 1000 & echo done"), in: directory)
        let clock = ContinuousClock()
        let began = clock.now
        let outcome = try await ProcessTesting.run(spec)
        #expect(clock.now - began < .seconds(20))
        #expect(outcome.succeeded)
        #expect(try ProcessTesting.logLines(spec).map(\.text) == ["done"])
        #expect(ProcessTesting.runningMembers(of: outcome.pid).isEmpty)
        #expect(await ProcessTesting.groupVanishes(outcome.pid))
    }

    /// Here the leftover does not hold the pipes, so only the group tells it is there.
    @Test func aDetachedLookingChildInTheGroupIsTerminatedToo() async throws {
        let directory = try TemporaryDirectory()
        let spec = ProcessTesting.spec(
            .shell("sleep 1000 </dev/null >/dev/null 2>&1 & echo done"), in: directory, killGrace: .milliseconds(200))
        let outcome = try await ProcessTesting.run(spec)
        #expect(outcome.succeeded)
        #expect(ProcessTesting.runningMembers(of: outcome.pid).isEmpty)
    }

    /// A leftover that ignores SIGTERM is killed after the grace; the task still succeeded.
    @Test func aStubbornLeftoverIsKilledAfterTheGrace() async throws {
        let directory = try TemporaryDirectory()
        let spec = ProcessTesting.spec(
            .shell("(trap '' TERM; sleep 1000; sleep 1000) & echo done"), in: directory, killGrace: .milliseconds(300))
        let clock = ContinuousClock()
        let began = clock.now
        let outcome = try await ProcessTesting.run(spec)
        #expect(clock.now - began >= .milliseconds(300))
        #expect(clock.now - began < .seconds(20))
        #expect(outcome.succeeded && !outcome.timedOut)
        #expect(ProcessTesting.runningMembers(of: outcome.pid).isEmpty)
    }
}
