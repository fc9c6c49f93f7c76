import ArgumentParser

// Placeholder until the real command lands.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "schema")
    func run() throws { throw ExitCode(1) }
}
