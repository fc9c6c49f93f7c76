import ArgumentParser

// Placeholder until the real command lands.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate")
    func run() throws { throw ExitCode(1) }
}
