import ArgumentParser
import BatonManifest

/// `baton schedule describe`: the sentence `plan` and `status` will show for a schedule.
struct ScheduleDescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Describe a schedule in words."
    )

    @OptionGroup var schedule: ScheduleOptions

    func validate() throws {
        if let problem = schedule.usageProblem() {
            throw ScheduleOptions.usageError(problem, usage: Self.usageString())
        }
    }

    func run() throws {
        Output.text(try schedule.schedule().description(in: nil))
    }
}
