import Foundation
import Testing

/// Every duration taken from a flag or an environment variable is bounded: a value out of
/// range is a usage error (exit 2) naming the flag or variable and the range, before any
/// state is opened. `--interval 3000000d` once wrote a date past year 9999 into the store,
/// and the daemon and `status` then crashed at every start.
@Suite struct DurationBoundsTests {
    /// Runs `baton` with extra environment variables.
    func baton(_ arguments: [String], environment extra: [String: String] = [:], in directory: URL) throws -> BatonBinary.Result {
        let process = Process()
        process.executableURL = BatonBinary.url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("BATON_") }.merging(extra) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let status = process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
        return BatonBinary.Result(status: status, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var environment: [String: String] = [:]
        /// What the message must name: the flag or the variable, then the range.
        var names: String
        var range: String
        var testDescription: String { (environment.map { "\($0.key)=\($0.value)" } + arguments).joined(separator: " ") }
    }

    static let outOfRange: [Case] = [
        Case(arguments: ["serve", "--interval", "3000000d"], names: "--interval \"3000000d\"", range: "between 1s and 1d"),
        Case(arguments: ["serve", "--interval", "999999999h"], names: "--interval \"999999999h\"", range: "between 1s and 1d"),
        Case(arguments: ["serve", "--interval", "1d1ms"], names: "--interval \"1d1ms\"", range: "between 1s and 1d"),
        Case(arguments: ["serve", "--interval", "500ms"], names: "--interval \"500ms\"", range: "between 1s and 1d"),
        Case(arguments: ["serve"], environment: ["BATON_INTERVAL": "3000000d"], names: "BATON_INTERVAL \"3000000d\"", range: "between 1s and 1d"),
        Case(arguments: ["serve"], environment: ["BATON_INTERVAL": "999ms"], names: "BATON_INTERVAL \"999ms\"", range: "between 1s and 1d"),
        Case(arguments: ["serve", "--grace", "2d"], names: "--grace \"2d\"", range: "between 1s and 1d"),
        Case(arguments: ["serve", "--grace", "10ms"], names: "--grace \"10ms\"", range: "between 1s and 1d"),
        Case(arguments: ["audit", "--since", "3000000d"], names: "--since \"3000000d\"", range: "between 1ms and 36500d"),
        Case(arguments: ["audit", "--since", "36500d1s"], names: "--since \"36500d1s\"", range: "between 1ms and 36500d"),
    ]

    @Test(arguments: outOfRange)
    func anOutOfRangeDurationIsAUsageErrorNamingTheFlagAndRange(_ example: Case) throws {
        let directory = try TemporaryDirectory()
        let state = directory.url.appendingPathComponent("state").path
        let result = try baton(example.arguments + ["--state", state], environment: example.environment, in: directory.url)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(example.names), "\(result.stderr)")
        #expect(result.stderr.contains(example.range), "\(result.stderr)")
        // Refused before anything is opened: no store, no lock.
        #expect(!FileManager.default.fileExists(atPath: state), "the state directory was created")
    }

    @Test func theFlagWinsOverTheVariableAndTheBoundsThemselvesAreAccepted() throws {
        let directory = try TemporaryDirectory()
        let state = directory.url.appendingPathComponent("state").path
        // A valid --interval with an invalid BATON_INTERVAL: the flag is used, the variable
        // never read. Both bounds are inside the range; `--repo` names no repository, so the
        // daemon stops right after validation with its own error (1), not a usage error (2).
        for interval in ["1s", "1d", "24h"] {
            let result = try baton(
                ["serve", "--interval", interval, "--grace", "1d", "--repo", directory.url.appendingPathComponent("missing").path, "--state", state],
                environment: ["BATON_INTERVAL": "3000000d"], in: directory.url)
            #expect(result.status != 2 && result.status < 128, "\(interval): \(result.status) \(result.stderr)")
            #expect(!result.stderr.contains("out of range"), "\(result.stderr)")
        }
        let audit = try baton(["audit", "--since", "36500d", "--state", state], in: directory.url)
        #expect(audit.status != 2 && audit.status < 128, "\(audit.stderr)")
    }
}
