import ArgumentParser

/// The root command holds only configuration; each subcommand is a small type in `Commands/`.
@main
struct Baton: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baton",
        abstract: "GitOps reconciler for scheduled data pipelines.",
        discussion: """
            Pipelines are JSON manifests in a Git repository. Baton validates them, shows \
            what a change would do, and (as it grows) reconciles and runs them.
            """,
        version: "0.1.0",
        subcommands: [
            ValidateCommand.self,
            SchemaCommand.self,
            ScheduleCommand.self,
        ]
    )
}
