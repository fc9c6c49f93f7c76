import AsyncHTTPClient
import BatonManifest
import Foundation

/// Delivers alerts: a JSON POST to a webhook, or a command run with `BATON_ALERT_*`
/// variables.
///
/// Delivery never affects a run: the caller does not wait for it (it starts the delivery
/// with `detached`), a failure is logged through `report` and nothing else; a graceful stop
/// waits for the deliveries in flight with `drain`. A webhook is tried up to four times (the
/// first try and three retries, `retryDelay` doubling between them), since chat services
/// drop a request now and then; a command runs once, like a task, in its own process group
/// with a clean environment and a time limit.
public struct AlertNotifier: Sendable {
    /// A delivery that did not get through, for the daemon's log.
    public struct Failure: Sendable {
        public var event: AlertEvent
        public var target: String
        public var message: String
    }

    public static let retries = 3
    public static let commandTimeout: Duration = .seconds(60)

    let client: HTTPClient
    let retryDelay: Duration
    let logDirectory: String
    let report: @Sendable (Failure) -> Void
    private let processes = ProcessRunner()
    /// Who command alerts run as, like tasks (`--task-user`): a command comes from the
    /// manifest, so it gets no more than the pipeline's tasks do.
    public var taskUser: TaskUser?
    /// What `detached` started and has not finished.
    public let deliveries = AlertDeliveries()
    /// Called once per delivery that got through (the counterpart of `report`), for the
    /// daemon's `baton_alerts_total{result="sent"}`.
    public var delivered: @Sendable (AlertEvent) -> Void = { _ in }

    /// - Parameters:
    ///   - logDirectory: where each command alert's output goes (`<state>/alerts`).
    ///   - retryDelay: before the first webhook retry; doubles for each next one.
    public init(logDirectory: String, retryDelay: Duration = .seconds(1), client: HTTPClient = HTTPTaskRunner.defaultClient,
                report: @escaping @Sendable (Failure) -> Void = { _ in }) {
        self.client = client
        self.retryDelay = retryDelay
        self.logDirectory = logDirectory
        self.report = report
    }

    /// The alerts of `alerts` that listen for this event.
    public static func matching(_ alerts: [Alert], _ event: Alert.Event) -> [Alert] {
        alerts.filter { $0.on.contains(event) }
    }

    /// Sends `event` to every alert of `alerts` that listens for it, each on its own, and
    /// returns when all deliveries are over (callers that must not wait run it detached).
    /// Command alerts start in `workingDirectory`, the run's tree.
    public func send(_ event: AlertEvent, to alerts: [Alert], workingDirectory: String) async {
        let targets = Self.matching(alerts, event.event)
        guard !targets.isEmpty else { return }
        await withTaskGroup(of: Void.self) { group in
            for (index, alert) in targets.enumerated() {
                group.addTask {
                    switch alert.target {
                    case .webhook(let url): await self.post(event, to: url)
                    case .command(let command): await self.run(command, for: event, index: index, workingDirectory: workingDirectory)
                    }
                }
            }
        }
    }

    /// Runs `work` (which prepares an event and `send`s it) on a task of its own, without the
    /// caller waiting, and keeps track of it for `drain`.
    public func detached(_ work: @escaping @Sendable () async -> Void) {
        deliveries.start(work)
    }

    /// Waits for the deliveries started with `detached`, at most `limit`; cancels those still
    /// going after it and returns how many that was.
    public func drain(upTo limit: Duration) async -> Int {
        await deliveries.drain(upTo: limit)
    }

    func post(_ event: AlertEvent, to url: String) async {
        var delay = retryDelay
        var lastError = ""
        var tries = 0
        for attempt in 0...Self.retries {
            if attempt > 0 {
                try? await Task.sleep(for: delay)
                delay = delay * 2
            }
            // A drain that ran out of time: no more tries.
            if Task.isCancelled {
                lastError = "cancelled at the daemon's stop" + (lastError.isEmpty ? "" : " (last error: \(lastError))")
                break
            }
            tries += 1
            do {
                var request = HTTPClientRequest(url: url)
                request.method = .init(rawValue: "POST")
                request.headers.add(name: "Content-Type", value: "application/json")
                request.headers.add(name: "User-Agent", value: "baton")
                request.body = .bytes(Array(event.json))
                let response = try await client.execute(request, timeout: .seconds(10))
                _ = try? await response.body.collect(upTo: 64 * 1024)
                if (200..<300).contains(response.status.code) {
                    delivered(event)
                    return
                }
                lastError = "HTTP \(response.status.code)"
            } catch {
                lastError = "\(error)"
            }
        }
        report(Failure(event: event, target: Self.redactingPassword(url), message: "not delivered after \(tries) \(tries == 1 ? "try" : "tries"): \(lastError)"))
    }

    func run(_ command: ProcessCommand, for event: AlertEvent, index: Int, workingDirectory: String) async {
        var environment = event.environment
        environment["PATH"] = "/usr/local/bin:/usr/bin:/bin"
        environment["HOME"] = logDirectory
        environment["LANG"] = "C.UTF-8"
        let name = "\(event.pipeline)-\(event.runID.map(String.init) ?? "none")-\(event.event.rawValue)-\(index)"
        let spec = ProcessSpec(
            command: { switch command { case .shell(let text): .shell(text); case .arguments(let argv): .arguments(argv) } }(),
            workingDirectory: workingDirectory, environment: environment, logPath: "\(logDirectory)/\(name).log",
            timeout: Self.commandTimeout, logLimit: 1024 * 1024, user: taskUser)
        do {
            let outcome = try await processes.run(spec) { _, _ in }
            if !outcome.succeeded {
                let why = outcome.timedOut ? "timed out" : outcome.signal.map { "killed by signal \($0)" } ?? "exited with status \(outcome.exitCode ?? -1)"
                report(Failure(event: event, target: "command", message: "\(why); see \(spec.logPath)"))
            } else {
                delivered(event)
            }
        } catch {
            report(Failure(event: event, target: "command", message: error.message))
        }
    }

    static func redactingPassword(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}
