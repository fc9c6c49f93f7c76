import BatonTestSupport
import Foundation
import Testing

/// `baton validate --repo`: the pull-request check against a branch of a real repository,
/// read from Baton's mirror exactly as the reconciler will read it.
@Suite struct ValidateRepositoryTests {
    /// A repository made with the git CLI, with `manifests/` on `main` and a broken branch.
    func makeRepository(in directory: TemporaryDirectory) throws -> URL {
        let repo = directory.url.appendingPathComponent("pipelines")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        try git(["-c", "init.defaultBranch=main", "init", "-q"], in: repo)
        try directory.write("pipelines/manifests/sales.json", manifest(named: "sales"))
        try directory.write("pipelines/manifests/team/ops.json", manifest(named: "ops"))
        try git(["add", "-A"], in: repo)
        try git(["commit", "-q", "-m", "Add pipelines"], in: repo)
        try git(["checkout", "-q", "-b", "typo"], in: repo)
        try directory.write("pipelines/manifests/sales.json", manifest(named: "sales", extra: #" "timeout": "1hour","#))
        try git(["commit", "-q", "-am", "Break a timeout"], in: repo)
        try git(["checkout", "-q", "main"], in: repo)
        return repo
    }

    func git(_ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ["GIT_AUTHOR_NAME": "Ana", "GIT_AUTHOR_EMAIL": "ana@example.com",
                               "GIT_COMMITTER_NAME": "Ana", "GIT_COMMITTER_EMAIL": "ana@example.com",
                               "HOME": directory.path, "PATH": "/usr/bin:/bin"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "git \(arguments)")
    }

    @Test func aValidBranchPassesAndNamesTheCommit() throws {
        let directory = try TemporaryDirectory()
        let repo = try makeRepository(in: directory)
        let state = directory.url.appendingPathComponent("state").path
        let result = try BatonBinary.run(["validate", "--repo", repo.path, "--state", state])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasPrefix("2 files, 2 pipelines, 0 errors, 0 warnings at "))
    }

    @Test func aBrokenBranchFailsWithRepositoryPaths() throws {
        let directory = try TemporaryDirectory()
        let repo = try makeRepository(in: directory)
        let state = directory.url.appendingPathComponent("state").path
        let result = try BatonBinary.run(["validate", "--repo", repo.path, "--ref", "typo", "--state", state, "--json"])
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((object["commit"] as? String)?.count == 40)
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.map { $0["file"] as? String } == ["manifests/sales.json"])
        #expect(diagnostics.first?["code"] as? String == "invalid-duration")
    }

    @Test func aMissingBranchIsAFetchFailure() throws {
        let directory = try TemporaryDirectory()
        let repo = try makeRepository(in: directory)
        let state = directory.url.appendingPathComponent("state").path
        let result = try BatonBinary.run(["validate", "--repo", repo.path, "--ref", "nope", "--state", state])
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("refs/heads/nope"))
        #expect(result.stderr.contains("permanent"))
    }

    @Test func anUnreachableServerIsATransientFetchFailure() throws {
        let directory = try TemporaryDirectory()
        let result = try BatonBinary.run(["validate", "--repo", "git://127.0.0.1:1/pipelines.git", "--state", directory.url.path])
        #expect(result.status == 3)
        #expect(result.stderr.contains("transient"))
    }

    @Test func pathsAndRepoTogetherAreAUsageError() throws {
        let result = try BatonBinary.run(["validate", "manifests", "--repo", "/nowhere"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("either PATHs or --repo"))
    }
}

/// `validate --repo` judges the whole commit as the reconciler does, not only its manifests.
@Suite struct ValidateRepositoryTreeTests {
    @Test func aBranchWithAnEntryThatCannotBeExportedFails() throws {
        let scenario = try ReconcilerScenario()
        try scenario.repo.write("manifests/ok.json", scenario.pipeline("ok", cron: "0 2 * * *"))
        try scenario.repo.commit("Add ok")
        let clean = try BatonBinary.run(["validate", "--repo", scenario.repo.path, "--ref", "main", "--state", scenario.state, "--json"])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")

        let manifests = try scenario.repo.revParse("HEAD:manifests")
        let blob = try RawTree.blob("#!/bin/sh\n", in: scenario.repo)
        let tree = try RawTree.tree([.blob("../../../../x", blob), .tree("manifests", manifests)], in: scenario.repo)
        try RawTree.commit(tree, in: scenario.repo)
        let hostile = try BatonBinary.run(["validate", "--repo", scenario.repo.path, "--ref", "main", "--state", scenario.state])
        #expect(hostile.status == 1, "\(hostile.stdout)\(hostile.stderr)")
        #expect(hostile.stdout.contains("[unsafe-path]"), "\(hostile.stdout)")
        #expect(hostile.stdout.contains("1 error"), "\(hostile.stdout)")
        let json = try BatonBinary.run(["validate", "--repo", scenario.repo.path, "--ref", "main", "--state", scenario.state, "--json"])
        #expect(try scenario.jsonObject(json)["valid"] as? Bool == false)
        // And the reconciler agrees.
        #expect(try scenario.withSource("reconcile", "--once").status == 1)
    }
}
