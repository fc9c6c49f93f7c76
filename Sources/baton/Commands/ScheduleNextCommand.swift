import ArgumentParser
import BatonManifest
import Foundation

/// `baton schedule next`: the next fire times, for people or (with `--json`) for scripts.
struct ScheduleNextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next",
        abstract: "Print the next fire times of a schedule.",
        discussion: """
            With --json, standard output is exactly a JSON array of UTC instants written \
            YYYY-MM-DDTHH:MM:SSZ. Exit status: 0 success, 1 invalid schedule, time zone or \
            instant, 2 usage error.
            """
    )

    @OptionGroup var schedule: ScheduleOptions

    @Option(parsing: .unconditional, help: "An RFC 3339 instant; fire times strictly after it are listed (default: now).")
    var after: String?

    // A string, so that a non-number is a usage error with exit status 2 like an
    // out-of-range number, rather than ArgumentParser's own exit status.
    @Option(parsing: .unconditional, help: "How many fire times to print, 1-1000.")
    var count: String = "5"

    @Flag(help: "Print a JSON array of UTC instants and nothing else.")
    var json = false

    func validate() throws {
        if let problem = schedule.usageProblem() {
            throw ScheduleOptions.usageError(problem, usage: Self.usageString())
        }
        guard let count = Int(count), (1...1000).contains(count) else {
            throw ScheduleOptions.usageError("--count must be a whole number from 1 to 1000, not \"\(count)\"", usage: Self.usageString())
        }
    }

    func run() throws {
        let schedule = try self.schedule.schedule()
        let zone = try self.schedule.timeZone()
        var start = Date()
        if let after {
            guard let instant = RFC3339.instant(from: after) else {
                throw ScheduleOptions.invalid("--after \"\(after)\" is not an RFC 3339 date-time; write one like 2026-03-08T06:30:00Z or 2026-03-08T01:30:00-05:00 (seconds required)")
            }
            start = instant
        }
        let fireTimes = Array(schedule.fireTimes(after: start).prefix(Int(count) ?? 5))
        Output.text(json ? Self.json(fireTimes) : Self.table(fireTimes, schedule: schedule, zone: zone))
    }

    static func json(_ fireTimes: [Date]) -> String {
        "[" + fireTimes.map { "\"\(RFC3339.utcString($0))\"" }.joined(separator: ",") + "]"
    }

    /// The description, then one line per fire time: UTC, and the zone's wall time with its
    /// offset, so a reader sees at a glance what a daylight-saving change does.
    static func table(_ fireTimes: [Date], schedule: Schedule, zone: TimeZone) -> String {
        var lines = [schedule.description(in: nil)]
        for fire in fireTimes {
            let local = RFC3339.localString(fire, offsetSeconds: zone.secondsFromGMT(for: fire))
            lines.append("\(RFC3339.utcString(fire))  \(local)")
        }
        return lines.joined(separator: "\n")
    }
}
