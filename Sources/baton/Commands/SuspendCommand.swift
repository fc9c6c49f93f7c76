import ArgumentParser
import BatonDaemon
import BatonStore
import Foundation

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
    /// The operating-system user, as the audit log names operators.
    static var user: String {
        if let name = getpwuid(geteuid())?.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? String(geteuid())
    }

    static func set(_ pipeline: String, suspended: Bool, reason: String?, options: StateOptions, json: Bool) async throws(CommandFailure) {
        func report(changed: Bool, actor: String?, daemon: Bool) {
            if json {
                print(JSONOut.render(JSONOut.object([
                    ("pipeline", JSONOut.string(pipeline)), ("suspended", JSONOut.bool(suspended)), ("changed", JSONOut.bool(changed)),
                    ("actor", JSONOut.string(actor)), ("daemonNotified", JSONOut.bool(daemon)),
                ])))
            }
        }
        let store = try options.existingStore()
        do {
            let version = try await LivePipeline.currentVersion(pipeline, in: store)
            let existing = try await store.overrides().first { $0.pipeline == pipeline }
            if suspended == (existing != nil) {
                if json {
                    report(changed: false, actor: existing?.actor, daemon: false)
                } else {
                    Output.text(suspended ? "\(pipeline) is already suspended by \(existing!.actor)" : "\(pipeline) is not suspended by an operator")
                }
                return
            }
            let now = Date()
            let override = suspended ? PipelineOverride(pipeline: pipeline, reason: reason, actor: user, since: now) : nil
            let event = AuditEvent(
                time: now, pipeline: pipeline, action: suspended ? "suspend" : "resume", changedFields: [], commit: nil, author: nil,
                actor: user, message: reason, versionID: version.id)
            try await store.setOverride(pipeline: pipeline, override, event: event)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(error)")
        }
        let told = DaemonControl.notify(stateDirectory: options.stateDirectory)
        if json { return report(changed: true, actor: user, daemon: told) }
        Output.text("\(pipeline) \(suspended ? "suspended" : "resumed") by \(user)\(told ? "" : " (no daemon runs now; it takes effect when one starts)")")
    }
}
