import ArgumentParser
import BatonManifest
import Foundation

/// The schedule flags `schedule next` and `schedule describe` share, and their checks.
///
/// Usage mistakes (no schedule, two schedules, `--count` out of range) exit 2 and invalid
/// values (a bad expression, zone or instant) exit 1, so scripts can tell "you called me
/// wrong" from "your schedule is wrong".
///
/// Every option takes the next argument as its value even when it starts with "-", so that
/// `--cron "-1 * * * *"` is reported as an invalid expression and `--count -1` as a count out
/// of range, not as a missing value.
struct ScheduleOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "A 5-field cron expression or macro, like \"30 2 * * *\" or \"@daily\".")
    var cron: String?

    @Option(parsing: .unconditional, help: "An interval, like \"15m\"; fire times are multiples of it counted from the Unix epoch.")
    var every: String?

    @Option(parsing: .unconditional, help: "With --every: how far past each multiple to fire, like \"5m\".")
    var offset: String?

    @Option(parsing: .unconditional, help: "The IANA time zone the cron expression is read in, spelled as the tz database does.")
    var timezone: String = "UTC"

    /// A usage mistake: the message, then the usage line, and exit status 2.
    static func usageError(_ message: String, usage: String) -> ExitCode {
        printError("Error: \(message)\nUsage: baton schedule \(usage)")
        return ExitCode(2)
    }

    /// An invalid value: the message on standard error and exit status 1.
    static func invalid(_ message: String) -> ExitCode {
        printError("error: \(message)")
        return ExitCode(1)
    }

    static func printError(_ message: String) {
        Output.error(message)
    }

    /// Checks the combination of flags; returns the exit to take, or nil when it is usable.
    func usageProblem() -> String? {
        switch (cron, every) {
        case (nil, nil): return "give a schedule with --cron EXPR or --every DURATION"
        case (.some, .some): return "give either --cron or --every, not both"
        case (.some, nil) where offset != nil: return "--offset goes with --every; a cron expression sets its own minutes"
        default: return nil
        }
    }

    /// The zone, or exit 1 naming the flag and the accepted spelling.
    func timeZone() throws(ExitCode) -> TimeZone {
        guard let zone = TimeZones.named( timezone) else {
            throw Self.invalid("--timezone \"\(timezone)\" is not a time zone of the tz database; write a name like \"America/New_York\", \"Europe/Berlin\" or \"UTC\" (exact spelling)")
        }
        return zone
    }

    /// The schedule the flags describe, or exit 1 with the parser's message.
    func schedule() throws(ExitCode) -> Schedule {
        if let cron {
            let zone = try timeZone()
            do {
                return .cron(try CronExpression(parsing: cron), timeZone: zone)
            } catch {
                throw Self.invalid("--cron \"\(cron)\": \(error.message) [\(CronSyntaxError.manifestCode)]")
            }
        }
        let every = try Self.duration(self.every ?? "", flag: "--every")
        let offset = try self.offset.map { text throws(ExitCode) in try Self.duration(text, flag: "--offset") }
        _ = try timeZone()
        do {
            return try Schedule(every: every, offset: offset)
        } catch {
            throw Self.invalid("\(error.message) [\(ScheduleError.manifestCode)]")
        }
    }

    private static func duration(_ text: String, flag: String) throws(ExitCode) -> ManifestDuration {
        do {
            return try ManifestDuration(parsing: text)
        } catch {
            throw invalid("\(flag): \(error.message)")
        }
    }
}
