import BatonOperations
import BatonServer
import Foundation

/// What the dashboard's tests add to the shared harness: its pipelines, and the operations
/// library on the harness's daemon to set up and check state without going through a page.
extension ServerHarness {
    /// Starts a daemon serving the dashboard, following a repository with these pipelines.
    static func dashboard(_ manifests: [String: String] = [:], routes: DashboardServerRoutes = DashboardServerRoutes()) async throws -> ServerHarness {
        var all = ["hello": manifest("hello")]
        all.merge(manifests) { $1 }
        return try await ServerHarness(routes: [routes], manifests: all)
    }

    var operations: Operations {
        Operations(store: handle.store, stateDirectory: state, daemon: InProcessDaemonLink(daemon: handle))
    }

    func client() -> DashboardClient { DashboardClient(base: base) }

    /// A pipeline whose tasks are given as JSON (`[{"id": …}]`), with optional parameters.
    static func pipeline(_ name: String, tasks: String, parameters: String? = nil, retries: Int = 0) -> String {
        """
        {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "\(name)", "schedule": {"cron": "0 2 * * *"},
         \(parameters.map { "\"parameters\": \($0)," } ?? "")
         "defaults": {"retries": \(retries), "retryDelay": "1s"},
         "tasks": \(tasks)}
        """
    }

    /// Waits until run `id` has ended; returns its state.
    @discardableResult
    func finished(_ id: Int64, timeout: Duration = .seconds(30)) async throws -> String {
        var state = ""
        try await eventually(timeout: timeout, "run \(id) to end") {
            let run = try await operations.run(id).run
            state = run.state.rawValue
            return run.isFinished
        }
        return state
    }
}

/// Runs `body` against a daemon serving the dashboard and stops the daemon afterwards,
/// whether `body` passed or threw.
func withDashboard<T: Sendable>(_ manifests: [String: String] = [:], routes: DashboardServerRoutes = DashboardServerRoutes(),
                                _ body: (ServerHarness) async throws -> T) async throws -> T {
    let harness = try await ServerHarness.dashboard(manifests, routes: routes)
    do {
        let result = try await body(harness)
        await harness.stop()
        return result
    } catch {
        await harness.stop()
        throw error
    }
}
