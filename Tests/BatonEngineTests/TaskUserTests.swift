import BatonEngine
import BatonTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Tasks run as another user (`--task-user`): a real account made for the test, real
/// processes, and the state directory's modes as the kernel enforces them. Needs root.
@Suite(.enabled(if: TestUser.available, "task-user tests create a system user and run tasks as it, which needs root and useradd (CI runs as root)"))
struct TaskUserTests {
    @Test func aTaskRunsWithTheUsersIdsGroupsAndNothingElseChanged() async throws {
        let user = try TestUser()
        let taskUser = try TaskUser.named(user.name)
        #expect(taskUser.uid == user.uid && taskUser.gid == user.gid)
        #expect(taskUser.groups.contains(user.gid))
        let directory = try TemporaryDirectory()
        var spec = ProcessTesting.spec(
            .shell("echo \"$(id -u) $(id -g) $(id -G)\"; echo \"pgid $(cut -d' ' -f5 /proc/$$/stat) pid $$\"; env | sort"), in: directory,
            environment: ["PATH": "/usr/bin:/bin", "ONLY": "this"])
        spec.user = taskUser
        let outcome = try await ProcessTesting.run(spec)
        #expect(outcome.succeeded)
        let lines = try ProcessTesting.logLines(spec).map(\.text)
        #expect(lines.first == "\(user.uid) \(user.gid) \(user.gid)", "\(lines)")
        // setpriv executes the program in its own process: the task is still the group's
        // leader, with the pid the runner reported.
        #expect(lines.dropFirst().first == "pgid \(outcome.pid) pid \(outcome.pid)", "\(lines)")
        // The environment is exactly the spec's (sh adds PWD, SHLVL and `_` itself).
        let environment = lines.dropFirst(2).filter { !$0.hasPrefix("PWD=") && !$0.hasPrefix("SHLVL=") && !$0.hasPrefix("_=") }
        #expect(environment == ["ONLY=this", "PATH=/usr/bin:/bin"])
    }

    @Test func aTaskUsersGroupIsTerminatedOnTimeout() async throws {
        let user = try TestUser()
        let directory = try TemporaryDirectory()
        var spec = ProcessTesting.spec(.shell("sleep 1000 & sleep 1000"), in: directory, timeout: .milliseconds(300), killGrace: .milliseconds(200))
        spec.user = try TaskUser.named(user.name)
        let outcome = try await ProcessTesting.run(spec)
        #expect(outcome.timedOut)
        #expect(ProcessTesting.runningMembers(of: outcome.pid).isEmpty)
    }

    @Test func theUserMustExistAndNotBeRoot() throws {
        let missing = #expect(throws: EngineError.self) { try TaskUser.named("baton-no-such-user-\(UUID().uuidString.prefix(6))") }
        #expect(missing?.code == .taskUser)
        #expect(missing?.message.contains("no such user") == true)
        let root = #expect(throws: EngineError.self) { try TaskUser.named("root") }
        #expect(root?.code == .taskUser)
        #expect(root?.message.contains("is root") == true)
    }

    /// The layout of `StateDirectoryAccess`, checked by the task user itself: it reaches its
    /// tree and its outputs file, and nothing else of Baton's, including files an older
    /// Baton left readable to all.
    @Test func theStateDirectoryLetsTheTaskUserReachOnlyItsTreeAndOutputs() async throws {
        let user = try TestUser()
        let taskUser = try TaskUser.named(user.name)
        let directory = try TemporaryDirectory()
        let state = directory.sub("state")
        // As an older Baton (umask 022) left it.
        for folder in ["trees/abc/scripts", "runs/1", "secrets", "git/repo"] {
            try FileManager.default.createDirectory(atPath: "\(state)/\(folder)", withIntermediateDirectories: true)
        }
        for (file, mode) in [("baton.sqlite", 0o644), ("secrets/api", 0o600), ("runs/1.a.1.log", 0o644), ("git/repo/config", 0o644), ("trees/abc/scripts/data.txt", 0o444)] {
            #expect(FileManager.default.createFile(atPath: "\(state)/\(file)", contents: Data("content of \(file)\n".utf8), attributes: [.posixPermissions: mode]))
        }
        try StateDirectoryAccess.prepare(state, taskUser: taskUser)
        #expect(mkdir("\(state)/runs/2", 0o700) == 0)
        try taskUser.giveDirectory("\(state)/runs/2")
        try taskUser.giveFile("\(state)/runs/2.a.1.out")

        func mode(_ path: String) -> (mode: Int, uid: uid_t, gid: gid_t) {
            var info = stat()
            _ = lstat("\(state)\(path)", &info)
            return (Int(info.st_mode & 0o7777), info.st_uid, info.st_gid)
        }
        #expect(mode("").mode == 0o710 && mode("").gid == user.gid)
        #expect(mode("/trees").mode == 0o710 && mode("/trees").gid == user.gid)
        #expect(mode("/runs").mode == 0o710 && mode("/runs").gid == user.gid)
        #expect(mode("/baton.sqlite").mode == 0o600)
        #expect(mode("/runs/1.a.1.log").mode == 0o600)
        #expect(mode("/runs/1").mode == 0o700)
        #expect(mode("/secrets").mode == 0o700 && mode("/git").mode == 0o700)
        #expect(mode("/runs/2").mode == 0o700 && mode("/runs/2").uid == user.uid)
        #expect(mode("/runs/2.a.1.out").mode == 0o600 && mode("/runs/2.a.1.out").uid == user.uid)

        let script = """
            for f in ../../baton.sqlite ../../secrets/api ../../runs/1.a.1.log ../../git/repo/config; do
              cat "$f" >/dev/null 2>&1 && echo "read $f" || echo "denied $f"
            done
            ls ../.. >/dev/null 2>&1 && echo "listed the state directory" || echo "denied listing"
            cat scripts/data.txt
            echo out=1 >> ../../runs/2.a.1.out && echo "wrote outputs"
            touch ../../runs/new 2>/dev/null && echo "created in runs" || echo "denied creating"
            touch ../../runs/2/file && echo "wrote workspace"
            """
        var spec = ProcessTesting.spec(.shell(script), in: directory)
        spec.workingDirectory = "\(state)/trees/abc"
        spec.logPath = directory.sub("logs/probe.log")
        spec.user = taskUser
        let outcome = try await ProcessTesting.run(spec)
        #expect(outcome.succeeded)
        #expect(try ProcessTesting.logLines(spec).map(\.text) == [
            "denied ../../baton.sqlite", "denied ../../secrets/api", "denied ../../runs/1.a.1.log", "denied ../../git/repo/config",
            "denied listing", "content of trees/abc/scripts/data.txt", "wrote outputs", "denied creating", "wrote workspace",
        ])
        #expect(try String(contentsOfFile: "\(state)/runs/2.a.1.out", encoding: .utf8) == "out=1\n")
    }
}
