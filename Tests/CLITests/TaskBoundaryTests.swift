import BatonTestSupport
import Foundation
import GRDB
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The boundary between tasks and Baton, tried from inside a task as an attacker would: the
/// built binary, real processes, real users (as root in CI), real modes. A task must not find
/// Baton's credentials in `/proc/$PPID/environ`, nor (as a `--task-user`) reach the store,
/// the secrets or another run's logs; and what Baton writes is closed to others whatever the
/// umask it was started with.
@Suite struct TaskBoundaryTests {
    static let token = "git-token-9c2e41"
    static let secret = "secret-value-7f3a"

    /// The environment a deployment would give Baton: a Git token, a password, a secret, and
    /// one harmless variable that shows the task really read Baton's environment.
    static let deploymentEnvironment = [
        "BATON_GIT_TOKEN": token, "BATON_GIT_PASSWORD": "git-password-51d0", "BATON_SECRET_API": secret,
        "BATON_TEST_VISIBLE": "yes",
    ]

    /// Prints what the task can see of its parent (Baton) and whether the secret reached it.
    static let probe = """
        if tr '\\0' '\\n' < /proc/$PPID/environ > "$BATON_WORKSPACE/parent-environ" 2>/dev/null; then
          echo "parent environ readable"
          cat "$BATON_WORKSPACE/parent-environ"
        else
          echo "parent environ closed"
        fi
        test "$API" = "\(secret)" && echo "secret resolved"
        echo "uid=$(id -u)" >> "$BATON_OUTPUT"

        """

    static let manifest = """
        {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "peek",
         "tasks": [{"id": "peek", "run": ["sh", "probe.sh"], "env": {"API": {"secret": "api"}}}]}

        """

    /// Runs the binary through `sh` with `umask` set first, the deployment's variables added,
    /// and, with `user`, as that user (through setpriv, as an operator's service manager would).
    static func baton(_ arguments: [String], in directory: URL, umask mask: String = "000", environment extra: [String: String] = [:], as user: TestUser? = nil) throws -> BatonBinary.Result {
        let process = Process()
        var argv = ["-c", "umask \(mask); exec \"$0\" \"$@\"", BatonBinary.url.path] + arguments
        var executable = "/bin/sh"
        if let user {
            argv = ["--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups", "/bin/sh"] + argv
            executable = "/usr/bin/setpriv"
        }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = argv
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        final class Box: @unchecked Sendable { var data = Data() }
        let errors = Box()
        let done = DispatchSemaphore(value: 0)
        let errHandle = err.fileHandleForReading
        Thread {
            errors.data = errHandle.readDataToEndOfFile()
            done.signal()
        }.start()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        process.waitUntilExit()
        let status = process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
        return BatonBinary.Result(status: status, stdout: String(decoding: output, as: UTF8.self), stderr: String(decoding: errors.data, as: UTF8.self))
    }

    static func mode(_ path: String) -> Int {
        var info = stat()
        guard lstat(path, &info) == 0 else { return -1 }
        return Int(info.st_mode & 0o7777)
    }

    static func log(_ state: String, run: Int, task: String) -> String {
        (try? String(contentsOfFile: "\(state)/runs/\(run).\(task).1.log", encoding: .utf8)) ?? ""
    }

    /// A file run (`baton run FILE`) whose task reads `/proc/$PPID/environ`. As root (with
    /// CAP_SYS_PTRACE) it can read it, and finds the harmless variable but no credential:
    /// Baton took them out and overwrote their text. Without that capability it cannot read
    /// it at all (Baton is not dumpable). Either way the secret still resolves from Baton's
    /// copy.
    @Test func credentialsNeverReachATaskThroughBatonsEnviron() throws {
        let directory = try TemporaryDirectory()
        try directory.write("pipeline/probe.sh", Self.probe)
        let file = try directory.write("pipeline/peek.json", Self.manifest)
        let state = directory.url.appendingPathComponent("state").path
        let result = try Self.baton(["run", file.path, "--state", state, "--json"], in: directory.url, environment: Self.deploymentEnvironment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let log = Self.log(state, run: 1, task: "peek")
        #expect(log.contains("secret resolved"), "\(log)")
        for leaked in [Self.token, "git-password-51d0", "BATON_GIT_TOKEN", "BATON_GIT_PASSWORD", "BATON_SECRET_API", Self.secret, "***"] {
            #expect(!log.contains(leaked), "the task saw \(leaked) in Baton's environment:\n\(log)")
        }
        if geteuid() != 0 {
            #expect(log.contains("parent environ closed"), "\(log)")
        } else if log.contains("parent environ readable") {
            // Root with CAP_SYS_PTRACE reads a non-dumpable process anyway: what it finds is
            // the real environment, with the credentials erased.
            #expect(log.contains("BATON_TEST_VISIBLE=yes"), "\(log)")
        } else {
            // A container may drop CAP_SYS_PTRACE; then root is refused like anyone else.
            #expect(log.contains("parent environ closed"), "\(log)")
        }
    }

    /// Started with `umask 000`, Baton still creates its state directory, store, workspace,
    /// logs and outputs files for itself alone (before: 0777 and 0666 under that umask, 0755
    /// and 0644 under the usual one).
    @Test func whatBatonWritesIsItsOwnWhateverTheUmask() throws {
        let directory = try TemporaryDirectory()
        try directory.write("pipeline/probe.sh", Self.probe)
        let file = try directory.write("pipeline/peek.json", Self.manifest)
        let state = directory.url.appendingPathComponent("state").path
        let result = try Self.baton(["run", file.path, "--state", state], in: directory.url, environment: Self.deploymentEnvironment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(Self.mode(state) == 0o700)
        #expect(Self.mode("\(state)/baton.sqlite") == 0o600)
        for companion in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: "\(state)/baton.sqlite\(companion)") {
            #expect(Self.mode("\(state)/baton.sqlite\(companion)") == 0o600, "\(companion)")
        }
        #expect(Self.mode("\(state)/runs") == 0o700)
        #expect(Self.mode("\(state)/runs/1") == 0o700)
        #expect(Self.mode("\(state)/runs/1.peek.1.log") == 0o600)
        #expect(Self.mode("\(state)/runs/1.peek.1.out") == 0o600)
        #expect(Self.mode("\(state)/runs/1/parent-environ") == 0o600 || geteuid() != 0)
    }

    /// A non-root Baton: its tasks run as its own uid, which may read a dumpable process's
    /// `/proc/<pid>/environ` and memory. Baton makes itself non-dumpable, so they may not.
    /// (Made as root: the test runs the binary itself as a fresh unprivileged user.)
    @Test(.enabled(if: TestUser.available, "runs Baton as a fresh unprivileged user, which needs root and useradd (CI runs as root)"))
    func aNonRootBatonIsClosedToItsOwnTasks() throws {
        let user = try TestUser()
        let directory = try TemporaryDirectory()
        let probe = """
            cat /proc/$PPID/environ >/dev/null 2>&1 && echo "environ readable" || echo "environ closed"
            head -c 1 /proc/$PPID/mem >/dev/null 2>&1 && echo "mem readable" || echo "mem closed"
            echo "uid=$(id -u)"

            """
        try directory.write("pipeline/probe.sh", probe)
        let file = try directory.write("pipeline/peek.json", Self.manifest.replacingOccurrences(of: #", "env": {"API": {"secret": "api"}}"#, with: ""))
        try user.own(directory.url.path)
        let state = directory.url.appendingPathComponent("state").path
        let result = try Self.baton(["run", file.path, "--state", state], in: directory.url, umask: "022", environment: Self.deploymentEnvironment, as: user)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let log = Self.log(state, run: 1, task: "peek")
        #expect(log.contains("uid=\(user.uid)"), "\(log)")
        #expect(log.contains("environ closed"), "\(log)")
        #expect(log.contains("mem closed"), "\(log)")
        #expect(!log.contains(Self.token))
    }

    /// `--task-user`: the task runs as that user in the exported tree of its commit, reads
    /// its tree, writes its workspace and outputs, and is refused the store, the secrets,
    /// another run's log, the state directory's listing and Baton's `/proc` files.
    @Test(.enabled(if: TestUser.available, "creates a task user and runs tasks as it, which needs root and useradd (CI runs as root)"))
    func aTaskUserReachesItsTreeAndOutputsAndNothingElse() throws {
        let user = try TestUser()
        let scenario = try ReconcilerScenario()
        let probe = """
            #!/bin/sh
            echo "uid=$(id -u) gid=$(id -g)"
            for f in ../../baton.sqlite ../../secrets/api /proc/$PPID/environ; do
              cat "$f" >/dev/null 2>&1 && echo "LEAK read $f" || echo "denied $f"
            done
            if [ "$BATON_RUN_ID" != 1 ]; then
              for f in ../../runs/1.probe.1.log ../../runs/1.probe.1.out ../../runs/1/scratch; do
                cat "$f" >/dev/null 2>&1 && echo "LEAK read $f" || echo "denied $f"
              done
            fi
            ls ../.. >/dev/null 2>&1 && echo "LEAK listed the state directory" || echo "denied listing"
            ls ../../secrets >/dev/null 2>&1 && echo "LEAK listed secrets" || echo "denied secrets"
            cat data/greeting.txt
            echo scratch > "$BATON_WORKSPACE/scratch" && echo "workspace written"
            test "$API" = "\(Self.secret)" && echo "secret resolved"
            echo "uid=$(id -u)" >> "$BATON_OUTPUT"

            """
        try scenario.repo.write("scripts/probe.sh", probe, executable: true)
        try scenario.repo.write("data/greeting.txt", "hello from the tree\n")
        try scenario.repo.write("manifests/probe.json", """
            {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "probe",
             "tasks": [{"id": "probe", "run": ["./scripts/probe.sh"], "env": {"API": {"secret": "api"}}}]}

            """)
        try scenario.repo.commit("Add probe")
        let reconciled = try scenario.withSource("reconcile", "--once")
        #expect(reconciled.status == 0, "\(reconciled.stderr)")
        try FileManager.default.createDirectory(atPath: "\(scenario.state)/secrets", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: "\(scenario.state)/secrets/api", contents: Data("\(Self.secret)\n".utf8), attributes: [.posixPermissions: 0o600]))

        var outputs: [String] = []
        for run in 1...2 {
            let result = try Self.baton(["run", "probe", "--task-user", user.name, "--state", scenario.state, "--json"], in: scenario.directory.url, environment: Self.deploymentEnvironment)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            let json = try scenario.jsonObject(result)
            let tasks = (json["run"] as? [String: Any])?["tasks"] as? [[String: Any]]
            outputs.append(((tasks?.first?["outputs"] as? [String: String])?["uid"]) ?? "")
            let log = Self.log(scenario.state, run: run, task: "probe")
            #expect(!log.contains("LEAK"), "\(log)")
            #expect(log.contains("uid=\(user.uid) gid=\(user.gid)"), "\(log)")
            #expect(log.contains("denied /proc/"), "\(log)")
            #expect(log.contains("denied listing") && log.contains("denied secrets"), "\(log)")
            #expect(log.contains("hello from the tree"), "\(log)")
            #expect(log.contains("workspace written") && log.contains("secret resolved"), "\(log)")
            // The second run looks at the first one's log, outputs file and workspace.
            if run == 2 {
                #expect(log.contains("denied ../../runs/1.probe.1.log") && log.contains("denied ../../runs/1.probe.1.out"), "\(log)")
                #expect(log.contains("denied ../../runs/1/scratch"), "\(log)")
            }
        }
        #expect(outputs == [String(user.uid), String(user.uid)])
        // The state directory as the table in StateDirectoryAccess says.
        #expect(Self.mode(scenario.state) == 0o710)
        #expect(Self.mode("\(scenario.state)/baton.sqlite") == 0o600)
        #expect(Self.mode("\(scenario.state)/runs/1.probe.1.log") == 0o600)
    }

    /// `baton serve --task-user`: scheduled tasks and command alerts run as the task user,
    /// cannot read the daemon's environment, and the alert's log is the daemon's alone.
    @Test(.enabled(if: TestUser.available, "creates a task user and runs tasks as it, which needs root and useradd (CI runs as root)"))
    func theDaemonRunsTasksAndAlertsAsTheTaskUser() throws {
        let user = try TestUser()
        let scenario = try ReconcilerScenario()
        try scenario.repo.write("scripts/probe.sh", Self.probe, executable: true)
        try scenario.repo.write("manifests/tick.json", """
            {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "tick", "schedule": {"every": "1s"},
             "alerts": [{"on": ["success"], "command": ["sh", "-c", "echo alert-uid=$(id -u); cat /proc/$PPID/environ >/dev/null 2>&1 && echo LEAK || echo alert-environ-closed"]}],
             "tasks": [{"id": "probe", "run": ["sh", "scripts/probe.sh"], "env": {"API": {"secret": "api"}}}]}

            """)
        try scenario.repo.commit("Add tick")
        try FileManager.default.createDirectory(atPath: "\(scenario.state)/secrets", withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "umask 000; exec \"$0\" \"$@\"", BatonBinary.url.path, "serve", "--repo", scenario.repo.path, "--state", scenario.state,
                             "--interval", "1s", "--log-format", "json"]
        process.environment = ProcessInfo.processInfo.environment.merging(Self.deploymentEnvironment.merging(["BATON_TASK_USER": user.name]) { $1 }) { $1 }
        let serveLog = scenario.directory.url.appendingPathComponent("serve.log")
        _ = FileManager.default.createFile(atPath: serveLog.path, contents: nil)
        let handle = try FileHandle(forWritingTo: serveLog)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGTERM) }
            process.waitUntilExit()
        }
        let alerts = "\(scenario.state)/alerts"
        let deadline = Date().addingTimeInterval(60)
        func alertLog() -> String? {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: alerts)) ?? []
            return names.sorted().lazy.compactMap { try? String(contentsOfFile: "\(alerts)/\($0)", encoding: .utf8) }.first { $0.contains("alert-environ") }
        }
        while Date() < deadline, alertLog() == nil, process.isRunning { usleep(50_000) }
        let daemonLog = (try? String(contentsOf: serveLog, encoding: .utf8)) ?? ""
        let alert = try #require(alertLog(), "no alert ran:\n\(daemonLog.suffix(3000))")
        #expect(alert.contains("alert-uid=\(user.uid)") && alert.contains("alert-environ-closed"), "\(alert)")
        let log = Self.log(scenario.state, run: 1, task: "probe")
        #expect(log.contains("parent environ closed"), "\(log)")
        #expect(log.contains("secret resolved"), "\(log)")
        #expect(!log.contains(Self.token))
        #expect(Self.mode(alerts) == 0o700)
        let alertFiles = (try? FileManager.default.contentsOfDirectory(atPath: alerts)) ?? []
        for name in alertFiles { #expect(Self.mode("\(alerts)/\(name)") == 0o600, "\(name)") }
        #expect(Self.mode("\(scenario.state)/baton.sqlite") == 0o600)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(daemonLog.suffix(3000))")
    }
}

extension TaskBoundaryTests {
    /// `baton retry --task-user`: the resumed tasks run as the task user too, as `run` does.
    @Test(.enabled(if: TestUser.available, "creates a task user and runs tasks as it, which needs root and useradd (CI runs as root)"))
    func aRetryRunsItsTasksAsTheTaskUser() throws {
        let user = try TestUser()
        let scenario = try ReconcilerScenario()
        let marker = "/tmp/baton-retry-marker-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: marker) }
        try scenario.repo.write("manifests/flaky.json", """
            {"apiVersion": "baton/v1", "kind": "Pipeline", "name": "flaky",
             "tasks": [{"id": "flaky", "run": "echo uid=$(id -u) >> $BATON_OUTPUT; test -e \(marker)"}]}

            """)
        try scenario.repo.commit("Add flaky")
        #expect(try scenario.withSource("reconcile", "--once").status == 0)
        let failed = try Self.baton(["run", "flaky", "--task-user", user.name, "--state", scenario.state], in: scenario.directory.url)
        #expect(failed.status == 1, "\(failed.stdout)\(failed.stderr)")
        #expect(FileManager.default.createFile(atPath: marker, contents: nil))
        let retried = try Self.baton(["retry", "1", "--task-user", user.name, "--state", scenario.state, "--json"], in: scenario.directory.url)
        #expect(retried.status == 0, "\(retried.stdout)\(retried.stderr)")
        let tasks = (try scenario.jsonObject(retried)["run"] as? [String: Any])?["tasks"] as? [[String: Any]]
        #expect((tasks?.first?["outputs"] as? [String: String])?["uid"] == String(user.uid), "\(retried.stdout)")
    }
}
