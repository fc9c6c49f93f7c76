import ArgumentParser

// Placeholder until the real command lands.
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "schedule")
    func run() throws { throw ExitCode(1) }
}
