@testable import BatonEngine
import BatonTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The attempt log: redaction, long lines, the size cap, and memory that stays flat.
@Suite struct ProcessLogTests {
    @Test func everyOccurrenceOfASecretIsRedacted() async throws {
        let directory = try TemporaryDirectory()
        let spec = ProcessTesting.spec(
            .shell("echo \"user=ana pass=hunter2 again:hunter2hunter2\"; echo hunter2 >&2; echo s3cr3t-long"),
            in: directory, redactions: ["hunter2", "", "s3cr3t", "s3cr3t-long"])
        _ = try await ProcessTesting.run(spec)
        let log = try String(contentsOfFile: spec.logPath, encoding: .utf8)
        #expect(!log.contains("hunter2") && !log.contains("s3cr3t"))
        let lines = try ProcessTesting.logLines(spec)
        #expect(lines.filter { $0.stream == "stdout" }.map(\.text) == ["user=ana pass=*** again:******", "***"])
        #expect(lines.filter { $0.stream == "stderr" }.map(\.text) == ["***"])
    }

    @Test func aQuietTaskLeavesNoFileAndAnUnwritableLogFailsBeforeTheStart() async throws {
        let directory = try TemporaryDirectory()
        let quiet = ProcessTesting.spec(.shell("true"), in: directory)
        #expect(try await ProcessTesting.run(quiet).succeeded)
        #expect(!FileManager.default.fileExists(atPath: quiet.logPath))
        var chatty = ProcessTesting.spec(.shell("echo hello"), in: directory)
        chatty.logPath = directory.sub("logs/chatty.log")
        #expect(try await ProcessTesting.run(chatty).succeeded)
        #expect(try ProcessTesting.logLines(chatty).map(\.text) == ["hello"])

        // A log that cannot be written is an error before anything starts.
        var underAFile = ProcessTesting.spec(.shell("touch \(directory.sub("ran"))"), in: directory)
        _ = FileManager.default.createFile(atPath: directory.sub("plain"), contents: Data())
        underAFile.logPath = directory.sub("plain/attempt.log")
        await #expect(throws: EngineError.self) { try await ProcessTesting.run(underAFile) }
        #expect(!FileManager.default.fileExists(atPath: directory.sub("ran")))
    }

    @Test func aVeryLongLineIsSplitAt64KiB() async throws {
        let directory = try TemporaryDirectory()
        let spec = ProcessTesting.spec(.shell("head -c 150000 /dev/zero | tr '\\0' a; echo; echo after"), in: directory)
        _ = try await ProcessTesting.run(spec)
        let lengths = try ProcessTesting.logLines(spec).map(\.text.count)
        #expect(lengths == [65536, 65536, 150000 - 2 * 65536, 5])
    }

    /// 100 MB of output through a 10 MiB cap: the log stops at the cap with one note, the
    /// process runs to its end (it is not killed by a closed pipe), and Baton's memory does
    /// not grow with the output.
    @Test func a100MBOutputKeepsMemoryFlatAndTheLogCapped() async throws {
        let directory = try TemporaryDirectory()
        let limit = 10 * 1024 * 1024
        let spec = ProcessTesting.spec(
            .shell("yes 'a line of forty bytes of output, more.' | head -c 100000000; echo finished >&2"),
            in: directory, logLimit: limit)
        let before = try residentMemory()
        let outcome = try await ProcessTesting.run(spec)
        let growth = try residentMemory() - before
        #expect(outcome.succeeded)
        #expect(outcome.logTruncated)
        // The whole test process's memory, with the other tests running beside this one: the
        // bound shows that 100 MB were not held (they would add over 100 MB), with room for them.
        #expect(growth < 64 * 1024 * 1024, "resident memory grew by \(growth) bytes")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: spec.logPath)[.size] as? Int)
        #expect(size == outcome.logBytes)
        #expect(size <= limit + 200)
        #expect(size > limit - 200)
        let lines = try ProcessTesting.logLines(spec)
        #expect(lines.last?.stream == "baton")
        #expect(lines.last?.text.contains("truncated") == true)
        #expect(lines.filter { $0.stream == "baton" }.count == 1)
        // Lines before the note are whole.
        #expect(lines.dropLast().allSatisfy { $0.text == "a line of forty bytes of output, more." })
    }

    /// The texts of a log written straight through `ProcessLog`, one `append` per chunk.
    private func logged(_ chunks: [String], stream: ProcessLog.Stream = .stdout, redactions: [String]) throws -> [String] {
        let directory = try TemporaryDirectory()
        let path = directory.sub("attempt.log")
        let log = try ProcessLog(path: path, limit: 10 * 1024 * 1024, redactions: redactions)
        for chunk in chunks {
            Array(chunk.utf8).withUnsafeBufferPointer { log.append($0, from: stream) }
        }
        log.finish(stream)
        log.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).dropFirst(2).first.map(String.init) ?? "" }
    }

    @Test func aSecretWithANewlineIsRedactedWholeAndLineByLine() throws {
        let secret = "first-half-of-it\nsecond-half-of-it"
        let lines = try logged(["one " + secret + " two\n", "first-half-of-it alone\n", "  second-half-of-it\n"], redactions: [secret])
        #expect(lines == ["one *** two", "*** alone", "  ***"])
    }

    @Test func aSecretSplitAcrossTwoReadsIsRedacted() throws {
        let lines = try logged(["password=hunt", "er2-long; again hunter2-", "long\n"], redactions: ["hunter2-long"])
        #expect(lines == ["password=***; again ***"])
        // On stderr and in a last line without newline too.
        #expect(try logged(["x hunter", "2-long"], stream: .stderr, redactions: ["hunter2-long"]) == ["x ***"])
    }

    /// A line longer than 64 KiB is cut into pieces; a secret where the cut falls is masked
    /// before the cut, so neither piece shows part of it.
    @Test func aSecretStraddlingThe64KiBSplitIsRedacted() async throws {
        let directory = try TemporaryDirectory()
        let secret = "s3cr3t-value-42"
        let before = ProcessLog.maximumLineLength - 6
        let spec = ProcessTesting.spec(
            .shell("head -c \(before) /dev/zero | tr '\\0' a; printf '%s' \"$S\"; head -c 70000 /dev/zero | tr '\\0' b; echo"),
            in: directory, environment: ProcessTesting.environment.merging(["S": secret]) { $1 }, redactions: [secret])
        _ = try await ProcessTesting.run(spec)
        let log = try String(contentsOfFile: spec.logPath, encoding: .utf8)
        for piece in ["s3cr3t", "value-42", "t-val"] {
            #expect(!log.contains(piece), "\(piece) leaked")
        }
        let texts = try ProcessTesting.logLines(spec).map(\.text)
        #expect(texts.first?.hasPrefix(String(repeating: "a", count: before) + "***b") == true)
        #expect(texts.joined().count == before + 3 + 70000)
    }

    private func residentMemory() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        let kilobytes = try #require(Int(line.split(separator: " ")[1]))
        return kilobytes * 1024
    }
}
