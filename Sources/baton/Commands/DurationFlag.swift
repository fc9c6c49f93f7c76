import ArgumentParser
import BatonManifest

/// A duration flag (or the environment variable standing in for it) and the range it
/// accepts.
///
/// Every duration Baton takes from a command line or the environment is bounded: an
/// interval of years once wrote a date past year 9999 into the store, which then crashed
/// the daemon and `status` at every start (a crash loop under systemd). A value outside the
/// range is a usage error (exit 2) that names the flag or variable and the range, before
/// anything is opened or written.
struct DurationFlag: Sendable {
    /// How the value was given, as the message names it: `--interval` or `BATON_INTERVAL`.
    var name: String
    /// The bounds in milliseconds, both included.
    var shortest: Int64
    var longest: Int64

    /// `baton serve --interval` and `BATON_INTERVAL`: a pass at least every day, so a
    /// failing source backing off (up to 10 intervals) still retries within ten days.
    static func interval(_ name: String) -> DurationFlag { DurationFlag(name: name, shortest: 1_000, longest: day) }
    /// `baton serve --grace`: long enough for a batch to finish, short enough that a stop
    /// ends the same day.
    static let grace = DurationFlag(name: "--grace", shortest: 1_000, longest: day)
    /// `baton audit --since DURATION`: a century back is as far as any record goes.
    static let since = DurationFlag(name: "--since", shortest: 1, longest: 36_500 * day)

    private static let day: Int64 = 86_400_000

    /// The range as the messages write it: `1s and 1d`.
    var range: String { "\(Self.spelled(shortest)) and \(Self.spelled(longest))" }

    private static func spelled(_ milliseconds: Int64) -> String {
        ManifestDuration(milliseconds: milliseconds)?.description ?? "\(milliseconds)ms"
    }

    /// Parses `text`, refusing a malformed duration or one outside the range.
    func parse(_ text: String) throws(ValidationError) -> ManifestDuration {
        let value: ManifestDuration
        do {
            value = try ManifestDuration(parsing: text)
        } catch {
            throw ValidationError("\(name) \"\(text)\": \(error.message); it must be between \(range)")
        }
        guard value.milliseconds >= shortest, value.milliseconds <= longest else {
            throw ValidationError("\(name) \"\(text)\" is out of range: it must be between \(range)")
        }
        return value
    }
}
