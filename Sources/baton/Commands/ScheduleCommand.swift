import ArgumentParser

/// `baton schedule`: shows what a schedule will do before it is merged.
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Show when a cron or interval schedule fires.",
        discussion: "Follows the rules in docs/schedules.md, daylight-saving changes included.",
        subcommands: [ScheduleNextCommand.self, ScheduleDescribeCommand.self]
    )
}
