import ArgumentParser
import BatonOperations

/// `baton suspend NAME` and `baton resume NAME`: an operator's pause on top of Git.
struct SuspendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suspend",
        abstract: "Stop new runs of a pipeline until `baton resume`, whatever Git says.",
        discussion: """
            An operator override for incidents: the manifest in Git is unchanged, the next \
            commit does not undo it, and runs in flight finish. Recorded in the audit log \
            with your operating-system user and shown in `baton status`. Slots that pass \
            while suspended are not caught up on after `resume`.

              $ baton suspend sales-etl --reason "warehouse maintenance until 14:00"
            """)

    @OptionGroup var options: StateOptions

    @Argument(help: "The pipeline's name.")
    var pipeline: String

    @Option(name: .long, help: "Why, for the audit log and `baton status`.")
    var reason: String?

    @Flag(name: .long, help: "Print one JSON object: the pipeline, whether it is suspended, by whom.")
    var json = false

    func run() async throws {
        try await reportingFailures(json: json) {
            try await OperatorOverride.set(pipeline, suspended: true, reason: reason, options: options, json: json)
        }
    }
}

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Lift a `baton suspend`: the pipeline runs from its next slot on.",
        discussion: """
            Removes the operator's suspension (recorded in the audit log with your \
            operating-system user). A pipeline whose manifest says `suspend: true` stays \
            suspended until a commit changes that.
            """)

    @OptionGroup var options: StateOptions

    @Argument(help: "The pipeline's name.")
    var pipeline: String

    @Flag(name: .long, help: "Print one JSON object: the pipeline, whether it is suspended, by whom.")
    var json = false

    func run() async throws {
        try await reportingFailures(json: json) {
            try await OperatorOverride.set(pipeline, suspended: false, reason: nil, options: options, json: json)
        }
    }
}

enum OperatorOverride {
    static func set(_ pipeline: String, suspended: Bool, reason: String?, options: StateOptions, json: Bool) async throws(CommandFailure) {
        let operations = try options.operations()
        let result = try await operation(usage: [.unknownPipeline]) { () async throws(OperationError) in
            suspended
                ? try await operations.suspend(pipeline, reason: reason, by: .operatingSystemUser)
                : try await operations.resume(pipeline, by: .operatingSystemUser)
        }
        if json {
            print(JSONOut.render(JSONOut.object([
                ("pipeline", JSONOut.string(pipeline)), ("suspended", JSONOut.bool(suspended)), ("changed", JSONOut.bool(result.changed)),
                ("actor", JSONOut.string(result.actor)), ("daemonNotified", JSONOut.bool(result.daemonNotified)),
            ])))
            return
        }
        guard result.changed else {
            Output.text(suspended ? "\(pipeline) is already suspended by \(result.actor ?? "an operator")" : "\(pipeline) is not suspended by an operator")
            return
        }
        let user = result.actor ?? ""
        Output.text("\(pipeline) \(suspended ? "suspended" : "resumed") by \(user)\(result.daemonNotified ? "" : " (no daemon runs now; it takes effect when one starts)")")
    }
}
