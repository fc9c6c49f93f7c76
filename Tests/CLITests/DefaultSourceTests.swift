import Foundation
import Testing

/// With no --repo, the reconciler commands follow the repository around the current
/// directory, on its current branch: what `make run` relies on in a fresh clone.
@Suite struct DefaultSourceTests {
    @Test func reconcileAndStatusFollowTheCurrentRepositoryAndBranch() throws {
        let scenario = try ReconcilerScenario()
        let commit = try scenario.addPipelines()
        try scenario.repo.git("checkout", "-q", "-b", "feature")
        let root = URL(fileURLWithPath: scenario.repo.path)
        let inside = root.appendingPathComponent("manifests")

        let result = try BatonBinary.run(["reconcile", "--once", "--state", scenario.state], in: inside)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasSuffix("reconcile: commit \(commit.prefix(12)) (ana@example.com) applied: 2 to create, 0 to update, 0 to retire, 0 to revive, 0 unchanged\n"))

        let status = try BatonBinary.run(["status", "--state", scenario.state], in: inside)
        #expect(status.stdout.hasPrefix("source:    \(root.resolvingSymlinksInPath().path)#feature (manifests)\n")
            || status.stdout.hasPrefix("source:    \(root.path)#feature (manifests)\n"), "\(status.stdout)")

        let plan = try BatonBinary.run(["plan", "--base", "main", "--head", "HEAD", "--detailed-exitcode", "--state", scenario.state], in: root)
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
    }

    @Test func aDetachedHeadAsksForRef() throws {
        let scenario = try ReconcilerScenario()
        let commit = try scenario.addPipelines()
        try scenario.repo.git("checkout", "-q", "--detach", commit)
        let result = try BatonBinary.run(["reconcile", "--once", "--state", scenario.state], in: URL(fileURLWithPath: scenario.repo.path))
        #expect(result.status == 1)
        #expect(result.stderr.contains("is detached"))
        #expect(result.stderr.contains("pass --ref BRANCH"))
        let pinned = try BatonBinary.run(["reconcile", "--once", "--ref", commit, "--state", scenario.state], in: URL(fileURLWithPath: scenario.repo.path))
        #expect(pinned.status == 0, "\(pinned.stdout)\(pinned.stderr)")
        // A pull-request check on a detached checkout: the head defaults to HEAD's commit.
        let plan = try BatonBinary.run(["plan", "--base", "main", "--detailed-exitcode"], in: URL(fileURLWithPath: scenario.repo.path))
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.hasPrefix("plan: commit \(commit.prefix(12)) (ana@example.com) unchanged: no pipeline changes"))
    }

    @Test func outsideAnyRepositoryItAsksForRepo() throws {
        let scenario = try ReconcilerScenario()
        let result = try BatonBinary.run(["reconcile", "--once", "--state", scenario.state], in: scenario.directory.url)
        #expect(result.status == 1)
        #expect(result.stderr.contains("is not inside a Git repository"))
        #expect(result.stderr.contains("pass --repo URL"))
    }
}

extension DefaultSourceTests {
    @Test func aRepositoryWithoutCommitsAsksForOne() throws {
        let scenario = try ReconcilerScenario()
        let result = try BatonBinary.run(["reconcile", "--once", "--state", scenario.state], in: URL(fileURLWithPath: scenario.repo.path))
        #expect(result.status == 1)
        #expect(result.stderr.contains("branch main of "))
        #expect(result.stderr.contains("has no commit yet; commit your manifests first"))
    }
}
