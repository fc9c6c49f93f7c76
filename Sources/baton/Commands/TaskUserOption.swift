import ArgumentParser
import BatonEngine

/// `--task-user NAME` for the commands that run tasks in the foreground (`run`, `retry`).
///
/// The operator's choice, never a manifest's: a commit author who could pick a uid could pick
/// root. See `TaskUser` and docs/operations.md ("Security model").
struct TaskUserOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Run the tasks as this user, not Baton's own; Baton must run as root.", valueName: "name"))
    var taskUser: String?

    func validate() throws { _ = try resolved() }

    /// The user, looked up once; nil when tasks run as Baton's own user.
    func resolved() throws -> TaskUser? {
        guard let taskUser else { return nil }
        do { return try TaskUser.named(taskUser) } catch { throw ValidationError(error.message) }
    }

    /// The user, with the state directory opened to it just as far as its tasks need.
    func prepare(_ stateDirectory: String) throws -> TaskUser? {
        let user = try resolved()
        do throws(EngineError) { try StateDirectoryAccess.prepare(stateDirectory, taskUser: user) } catch { throw CommandFailure(error.message, code: error.code.rawValue) }
        return user
    }
}
