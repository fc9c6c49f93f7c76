import ArgumentParser
import BatonDaemon
import BatonEngine
import BatonGit
import BatonManifest
import BatonServer
import Foundation
import Logging
import ServiceLifecycle

/// `baton serve`: the daemon.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Follow the repository and run every live pipeline on schedule, until stopped.",
        discussion: """
            The long-lived process: a reconcile pass every --interval (and at once on SIGHUP \
            or `baton reconcile --now`), a scheduler that starts each live pipeline's runs \
            on time, exactly once per slot, and the runs themselves, --workers tasks at a \
            time. One daemon per state directory.

              $ baton serve --repo git://git.example/pipelines.git --interval 60s
              $ baton status            # what is live, the daemon, next fire times
              $ baton runs              # the newest runs
              $ baton logs RUN          # a run's logs

            With --http HOST:PORT and --http-tokens FILE it also answers HTTP: the API, \
            /metrics (Prometheus), /healthz, /readyz and push webhooks at /hooks/git \
            (docs/http.md).

            Every flag also reads the environment: BATON_REPO, BATON_REF, BATON_PATH, \
            BATON_STATE, BATON_INTERVAL, BATON_WORKERS, BATON_TASK_USER, BATON_HTTP, BATON_HTTP_TOKENS. SIGTERM or SIGINT stops scheduling, \
            lets running tasks finish for --grace, then terminates them, records every \
            state and exits 0. After a crash (kill -9, power loss) the next start \
            terminates what the old process left running, marks those attempts \
            interrupted, and continues their runs by their retry policy; slots missed while \
            it was down follow each pipeline's `missed` policy.

            Exit status: 0 after a clean stop, 1 when another daemon holds the state \
            directory, the store cannot be opened, or it was deleted, replaced or damaged \
            while the daemon ran, or the HTTP server cannot start (a bad tokens file, an \
            address in use), 2 for a usage error.
            """)

    @OptionGroup var options: SourceOptions

    @Option(name: .long, help: ArgumentHelp("Between reconcile passes, 1s to 1d, like 60s or 5m (default $BATON_INTERVAL or 60s).", valueName: "duration"))
    var interval: String?

    @Option(name: .long, help: ArgumentHelp("Tasks running at once across every run (default $BATON_WORKERS or 4).", valueName: "n"))
    var workers: Int?

    @Option(name: .long, help: ArgumentHelp("How long a stop waits for running tasks before terminating them, 1s to 1d (default 30s).", valueName: "duration"))
    var grace: String = "30s"

    @Option(name: .long, help: ArgumentHelp("text (default) or json: one JSON object per line.", valueName: "format"))
    var logFormat: String = "text"

    @Option(name: .long, help: ArgumentHelp("Run tasks and command alerts as this user, not Baton's own; Baton must run as root (default $BATON_TASK_USER).", valueName: "name"))
    var taskUser: String?

    @Option(name: .long, help: ArgumentHelp("Serve the API, metrics, health and push webhooks on this address, like 127.0.0.1:8470 (default $BATON_HTTP; off when neither is given).", valueName: "host:port"))
    var http: String?

    @Option(name: .long, help: ArgumentHelp("The tokens file for --http: lines NAME ROLE SHA256-HASH, roles read or operate (default $BATON_HTTP_TOKENS).", valueName: "file"))
    var httpTokens: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    func validate() throws {
        _ = try parsedInterval()
        _ = try parsedWorkers()
        _ = try DurationFlag.grace.parse(grace)
        guard ["text", "json"].contains(logFormat) else { throw ValidationError("--log-format must be text or json, not \"\(logFormat)\"") }
        _ = try parsedTaskUser()
        _ = try parsedHTTP()
        _ = try options.verification()
    }

    /// `--http` and `--http-tokens` (or their variables) together, or neither: a server
    /// without tokens would answer nobody but the health checks, and tokens without a server
    /// are a mistake worth saying.
    private func parsedHTTP() throws -> (address: HTTPAddress, tokens: String)? {
        let address = http ?? environment["BATON_HTTP"].flatMap { $0.isEmpty ? nil : $0 }
        let tokens = httpTokens ?? environment["BATON_HTTP_TOKENS"].flatMap { $0.isEmpty ? nil : $0 }
        switch (address, tokens) {
        case (nil, nil):
            return nil
        case (nil, .some):
            throw ValidationError("--http-tokens needs --http HOST:PORT (or BATON_HTTP): the tokens are for the HTTP server")
        case (.some, nil):
            throw ValidationError("--http needs --http-tokens FILE (or BATON_HTTP_TOKENS): every route but health and webhooks needs a token; see docs/http.md")
        case (.some(let address), .some(let tokens)):
            do { return (try HTTPAddress(parsing: address), tokens) } catch { throw ValidationError("--http: \(error.message)") }
        }
    }

    /// The operator's choice, never a manifest's: see `TaskUser`.
    private func parsedTaskUser() throws -> TaskUser? {
        guard let name = taskUser ?? environment["BATON_TASK_USER"].flatMap({ $0.isEmpty ? nil : $0 }) else { return nil }
        do { return try TaskUser.named(name) } catch { throw ValidationError(error.message) }
    }

    /// `--interval`, else `BATON_INTERVAL`, else 60s; the message names whichever was given.
    private func parsedInterval() throws -> TimeInterval {
        if let interval { return try DurationFlag.interval("--interval").parse(interval).seconds }
        if let text = environment["BATON_INTERVAL"], !text.isEmpty { return try DurationFlag.interval("BATON_INTERVAL").parse(text).seconds }
        return 60
    }

    private func parsedWorkers() throws -> Int {
        if let workers {
            guard workers > 0 else { throw ValidationError("--workers must be at least 1") }
            return workers
        }
        guard let text = environment["BATON_WORKERS"], !text.isEmpty else { return 4 }
        guard let value = Int(text), value > 0 else { throw ValidationError("BATON_WORKERS=\"\(text)\" is not a number of at least 1") }
        return value
    }

    func run() async throws {
        let format = logFormat
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == "json" ? JSONLogHandler(label: label) : EscapingLogHandler(wrapped: StreamLogHandler.standardError(label: label))
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "baton")
        let resolved: ResolvedSource
        do { resolved = try options.resolve() } catch {
            Output.error("error: \(error.message)")
            throw ExitCode(error.exitCode)
        }
        // Every pass would fail with it anyway: a daemon that cannot fetch should not start.
        do { try LibGit2Version.requireStreamLayout(url: resolved.source.redactedURL) } catch {
            logger.error("\(error.message)")
            throw ExitCode(1)
        }
        let user = try parsedTaskUser()
        do { try StateDirectoryAccess.prepare(options.stateDirectory, taskUser: user) } catch {
            logger.error("\(error.message)")
            throw ExitCode(1)
        }
        var configuration = DaemonConfiguration(
            stateDirectory: options.stateDirectory, source: resolved.source, credentials: .fromEnvironment(),
            interval: try parsedInterval(), workers: try parsedWorkers(),
            grace: .milliseconds(try DurationFlag.grace.parse(grace).milliseconds))
        configuration.taskUser = user
        (configuration.verification, configuration.stopVerifying) = try options.verification()
        if let verification = configuration.verification {
            // An unreadable trust list would fail every pass; say so now, naming the file.
            do { _ = try verification.fingerprint() } catch {
                logger.error("\(error.message)")
                throw ExitCode(1)
            }
        }
        if let http = try parsedHTTP() {
            // A bad tokens file stops the start, naming the file, line and field.
            let tokens: TokenFile
            do { tokens = try TokenFile.load(path: http.tokens) } catch {
                logger.error("\(error)")
                throw ExitCode(1)
            }
            let metrics = ServerMetrics()
            configuration.metrics = metrics.factory
            configuration.companions = [HTTPServer.companion(HTTPServerConfiguration(address: http.address, tokens: tokens, metrics: metrics, routes: [APIRoutes(), DashboardServerRoutes()]))]
        }
        let daemon = Daemon(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: daemon)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as DaemonError {
            logger.error("\(error.message)")
            throw ExitCode(1)
        } catch let error as ServiceGroupError {
            logger.error("\(error)")
            throw ExitCode(1)
        }
    }
}
