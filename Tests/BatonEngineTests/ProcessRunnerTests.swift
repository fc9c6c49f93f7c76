import BatonEngine
import BatonTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What a process sees and what the runner reports: exit status, log, environment, argv.
@Suite struct ProcessRunnerTests {
    @Test func anExitCodeIsReportedAndOnlyZeroSucceeds() async throws {
        let directory = try TemporaryDirectory()
        let ok = try await ProcessTesting.run(ProcessTesting.spec(.shell("true"), in: directory))
        #expect(ok.exitCode == 0 && ok.signal == nil && ok.succeeded)
        let failed = try await ProcessTesting.run(ProcessTesting.spec(.shell("exit 3"), in: directory))
        #expect(failed.exitCode == 3 && failed.signal == nil && !failed.succeeded)
        #expect(!failed.timedOut && !failed.cancelled)
        #expect(failed.startedAt <= failed.endedAt)
    }

    @Test func aSignalIsReportedInsteadOfAnExitCode() async throws {
        let directory = try TemporaryDirectory()
        let outcome = try await ProcessTesting.run(ProcessTesting.spec(.shell("kill -KILL $$"), in: directory))
        #expect(outcome.exitCode == nil)
        #expect(outcome.signal == SIGKILL)
        #expect(!outcome.succeeded && !outcome.timedOut)
    }

    @Test func bothStreamsAreLoggedLineByLineWithTimestamps() async throws {
        let directory = try TemporaryDirectory()
        let spec = ProcessTesting.spec(.shell("echo one; echo two >&2; echo three; printf 'no newline'"), in: directory)
        let outcome = try await ProcessTesting.run(spec)
        let lines = try ProcessTesting.logLines(spec)
        #expect(lines.filter { $0.stream == "stdout" }.map(\.text) == ["one", "three", "no newline"])
        #expect(lines.filter { $0.stream == "stderr" }.map(\.text) == ["two"])
        let stamp = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/
        for line in lines { #expect(line.time.wholeMatch(of: stamp) != nil, "\(line.time)") }
        let size = try FileManager.default.attributesOfItem(atPath: spec.logPath)[.size] as? Int
        #expect(outcome.logBytes == size)
        #expect(!outcome.logTruncated)
    }

    @Test func anEmptyLineIsKeptAndStdinIsEmpty() async throws {
        let directory = try TemporaryDirectory()
        // `cat` would wait forever on an inherited terminal; /dev/null ends it at once.
        let spec = ProcessTesting.spec(.shell("echo; cat; echo end"), in: directory)
        _ = try await ProcessTesting.run(spec)
        #expect(try ProcessTesting.logLines(spec).map(\.text) == ["", "end"])
    }

    @Test func theEnvironmentIsExactlyTheGivenOne() async throws {
        let directory = try TemporaryDirectory()
        // The test process has HOME, PWD and more; none of them may reach the child.
        let environment = ["PATH": "/usr/bin:/bin", "GREETING": "hello world", "EMPTY": ""]
        let spec = ProcessTesting.spec(.arguments(["env"]), in: directory, environment: environment)
        let outcome = try await ProcessTesting.run(spec)
        #expect(outcome.succeeded)
        let printed = Set(try ProcessTesting.logLines(spec).map(\.text))
        #expect(printed == ["PATH=/usr/bin:/bin", "GREETING=hello world", "EMPTY="])
    }

    @Test func argumentsAreNeverRunThroughAShell() async throws {
        let directory = try TemporaryDirectory()
        let injection = "$(touch pwned); touch pwned2"
        let spec = ProcessTesting.spec(.arguments(["/bin/echo", injection]), in: directory)
        #expect(try await ProcessTesting.run(spec).succeeded)
        #expect(try ProcessTesting.logLines(spec).map(\.text) == [injection])
        #expect(!FileManager.default.fileExists(atPath: directory.sub("pwned")))
        #expect(!FileManager.default.fileExists(atPath: directory.sub("pwned2")))

        // A shell string is a shell script, run in the working directory.
        #expect(try await ProcessTesting.run(ProcessTesting.spec(.shell("touch made"), in: directory)).succeeded)
        #expect(FileManager.default.fileExists(atPath: directory.sub("made")))
    }

    @Test func aProgramIsFoundInThePathOfTheTaskNotOfBaton() async throws {
        let directory = try TemporaryDirectory()
        let bin = directory.sub("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try "#!/bin/sh\necho \"tool $1\"\n".write(toFile: bin + "/baton-test-tool", atomically: false, encoding: .utf8)
        chmod(bin + "/baton-test-tool", 0o755)
        let spec = ProcessTesting.spec(
            .arguments(["baton-test-tool", "ran"]), in: directory, environment: ["PATH": bin + ":/usr/bin:/bin"])
        #expect(try await ProcessTesting.run(spec).succeeded)
        #expect(try ProcessTesting.logLines(spec).map(\.text) == ["tool ran"])
    }

    @Test func descriptorsOfBatonDoNotLeakIntoTheChild() async throws {
        let directory = try TemporaryDirectory()
        // Opened without O_CLOEXEC on purpose, as a careless library would.
        let leaked = open("/dev/null", O_RDONLY)
        defer { close(leaked) }
        #expect(leaked > 2)
        let spec = ProcessTesting.spec(.arguments(["/bin/ls", "/proc/self/fd"]), in: directory)
        #expect(try await ProcessTesting.run(spec).succeeded)
        // `ls` itself holds one descriptor open for the folder it lists.
        let descriptors = try ProcessTesting.logLines(spec).map(\.text).compactMap(Int32.init)
        #expect(descriptors.filter { $0 > 2 }.count <= 1, "\(descriptors)")
        #expect(Array(descriptors.prefix(3)) == [0, 1, 2])
    }

    @Test func aMissingProgramIsASpawnErrorNamingIt() async throws {
        let directory = try TemporaryDirectory()
        let error = await #expect(throws: EngineError.self) {
            try await ProcessTesting.run(ProcessTesting.spec(.arguments(["no-such-program-7"]), in: directory))
        }
        #expect(error?.code == .spawn)
        #expect(error?.message.contains("no-such-program-7") == true)
        #expect(error?.message.contains("/usr/local/bin:/usr/bin:/bin") == true)

        let relative = await #expect(throws: EngineError.self) {
            try await ProcessTesting.run(ProcessTesting.spec(.arguments(["./missing.sh"]), in: directory))
        }
        #expect(relative?.code == .spawn)
        #expect(relative?.message.contains("./missing.sh") == true)
    }

    @Test func aMissingWorkingDirectoryIsASpawnErrorNamingIt() async throws {
        let directory = try TemporaryDirectory()
        var spec = ProcessTesting.spec(.shell("true"), in: directory)
        spec.workingDirectory = directory.sub("nowhere")
        let error = await #expect(throws: EngineError.self) { try await ProcessTesting.run(spec) }
        #expect(error?.code == .spawn)
        #expect(error?.message.contains(directory.sub("nowhere")) == true)
    }

    @Test func theStartTimeIdentifiesTheProcessAsProcSaysIt() async throws {
        let directory = try TemporaryDirectory()
        let signal = StartedSignal()
        let spec = ProcessTesting.spec(.arguments(["sleep", "1000"]), in: directory)
        let run = Task { try await ProcessRunner().run(spec) { pid, start in signal(pid, start) } }
        let started = await signal.first()
        let pid = try #require(started?.0)
        let fromProc = ProcessTesting.statFields(pid).map { Int64($0[19]) }
        #expect(started?.1 != nil)
        #expect(fromProc == started?.1)
        run.cancel()
        let outcome = try await run.value
        #expect(outcome.pid == pid)
        #expect(outcome.processStartTime == started?.1)
    }

    @Test func twoHundredProcessesAtOnceAllComplete() async throws {
        let directory = try TemporaryDirectory()
        let outcomes = try await withThrowingTaskGroup(of: ProcessOutcome.self) { group in
            for index in 0..<200 {
                var spec = ProcessTesting.spec(.arguments(["/bin/true"]), in: directory)
                spec.logPath = directory.sub("logs/\(index).log")
                group.addTask { try await ProcessTesting.run(spec) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.count == 200)
        #expect(outcomes.filter { !$0.succeeded }.isEmpty)
        #expect(Set(outcomes.map(\.pid)).count == 200)
    }
}
