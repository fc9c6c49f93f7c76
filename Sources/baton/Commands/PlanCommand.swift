import ArgumentParser
import BatonGit
import BatonReconciler
import BatonStore
import Foundation

/// `baton plan`: what a commit would change, for reviewers and pull-request checks. Never
/// writes to the state store.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what a commit would change in the live pipelines, without applying it.",
        discussion: """
            Against the live state: fetches --head (default: the source's ref) into Baton's \
            mirror and compares its manifests with what the state store has live. Nothing is \
            written to the store; with no store yet, everything is a create.

            Against another commit, with no store at all (a pull-request check): --base and \
            --head each name a branch, a tag or a commit id, resolved in the repository \
            around the current directory (or a local --repo path) where `HEAD~1`, \
            `origin/main` and short ids work too, or else in Baton's mirror of --repo:

              $ baton plan --base origin/main --head HEAD --format markdown > plan.md
              $ baton plan --repo https://git.example/data.git --base main --head feature

            Each changed pipeline lists its changed fields as JSON pointers (old → new) and, \
            for a schedule change, the schedule in words and its next 3 fire times before \
            and after, on the pipeline's wall clock. A head with an invalid manifest is \
            rejected with every diagnostic. --format markdown is ready to paste as a \
            pull-request comment.

            Exit status: 0 when the head is valid, 1 when it is rejected or on an error, 2 \
            for a usage error, 3 when the source could not be fetched. With \
            --detailed-exitcode: 0 when nothing would change, 2 when something would, 1 when \
            the head is rejected or on any error (fetch failures included).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, markdown, json
    }

    @OptionGroup var options: SourceOptions

    @Option(name: .long, help: ArgumentHelp("The commit to plan: a branch, tag or commit id (default: the source's ref).", valueName: "rev"))
    var head: String?

    @Option(name: .long, help: ArgumentHelp("Compare against this branch, tag or commit instead of the live state; no state store is read.", valueName: "rev"))
    var base: String?

    @Option(name: .long, help: "How to print the plan: text, markdown (a pull-request comment) or json.")
    var format: Format = .text

    @Flag(name: .long, help: "The same as --format json: one JSON object and nothing else.")
    var json = false

    @Flag(name: .long, help: "Exit 0 when nothing would change, 2 when something would, 1 when rejected or failed.")
    var detailedExitcode = false

    @Flag(name: .long, help: "Plan a head with no manifests as retiring every pipeline instead of rejecting it.")
    var allowEmpty = false

    var effectiveFormat: Format { json ? .json : format }

    func validate() throws {
        _ = try options.verification()
        if json, format != .text, format != .json {
            throw ValidationError("give either --json or --format \(format.rawValue), not both")
        }
        if base?.isEmpty == true { throw ValidationError("--base needs a branch, tag or commit id") }
    }

    func run() async throws {
        do {
            let report = try await base == nil ? planAgainstLive() : planAgainstBase()
            switch effectiveFormat {
            case .text: Output.text(report.text(), terminator: "")
            case .markdown: Output.text(report.markdown(), terminator: "")
            case .json: Output.json(report.json())
            }
            if report.report.outcome == .rejected { throw ExitCode(1) }
            if detailedExitcode, report.report.outcome == .applied, report.report.plan.summary.hasChanges { throw ExitCode(2) }
        } catch var failure as CommandFailure {
            if detailedExitcode { failure.exitCode = 1 }
            throw failure.report(json: effectiveFormat == .json)
        }
    }

    /// `--head` against what the store has live: the head is fetched into the mirror and a
    /// pass is previewed on it.
    func planAgainstLive() async throws -> PlanReport {
        let resolved = try options.resolve()
        let state = options.stateDirectory
        var headSource = resolved.source
        if let head { headSource.ref = try Self.parse(head, flag: "--head") }
        let fetched: FetchResult
        let repository: GitRepository
        do {
            fetched = try GitMirror(stateDirectory: state).sync(headSource, credentials: .fromEnvironment())
            repository = try GitRepository(path: fetched.mirrorPath)
        } catch {
            throw CommandFailure(fetch: error)
        }
        // A plan never creates a store: with none yet, it plans against an empty one made
        // for this command and thrown away.
        var scratch: String?
        defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
        let store: SQLiteStore
        do {
            if SQLiteStore.exists(inStateDirectory: state) {
                store = try SQLiteStore(stateDirectory: state)
            } else {
                scratch = NSTemporaryDirectory() + "baton-plan-" + UUID().uuidString
                store = try SQLiteStore(stateDirectory: scratch!)
            }
        } catch {
            throw CommandFailure(error)
        }
        let live: String?
        do { live = try await store.source()?.lastAppliedCommit } catch { throw CommandFailure(error) }
        let (verification, stopVerifying) = try options.verification()
        let reconciler = Reconciler(store: store, source: resolved.source, options: .init(allowEmpty: allowEmpty, verification: verification, stopVerifying: stopVerifying))
        do {
            let report = try await reconciler.preview(repository: repository, commit: fetched.commit)
            return PlanReport(command: "plan", report: report, source: headSource, base: live, baseRole: "live")
        } catch {
            throw CommandFailure(error)
        }
    }

    /// `--base` against `--head`, both read from one repository, with no store.
    func planAgainstBase() async throws -> PlanReport {
        let resolved = try options.resolve(followsBranch: false)
        let repository: GitRepository
        if let local = resolved.localPath {
            do { repository = try GitRepository(path: local) } catch {
                throw CommandFailure("cannot open the repository \(local): \(error.message); check --repo")
            }
        } else {
            do {
                let fetched = try GitMirror(stateDirectory: options.stateDirectory).sync(resolved.source, credentials: .fromEnvironment())
                repository = try GitRepository(path: fetched.mirrorPath)
            } catch {
                throw CommandFailure(fetch: error)
            }
        }
        let baseCommit = try Self.resolve(base!, flag: "--base", in: repository)
        let headCommit = try Self.resolve(head ?? resolved.source.ref.description, flag: "--head", in: repository)
        do {
            let report = try Reconciler.compare(
                repository: repository, base: baseCommit, head: headCommit,
                manifestsPath: resolved.source.manifestsPath, allowEmpty: allowEmpty)
            return PlanReport(command: "plan", report: report, source: resolved.source, base: baseCommit.hex, baseRole: "base")
        } catch {
            throw CommandFailure(error)
        }
    }

    static func parse(_ text: String, flag: String) throws(CommandFailure) -> GitSource.Ref {
        do {
            return try GitSource.Ref(parsing: text)
        } catch {
            throw CommandFailure("\(flag) \(error.message); pass a branch name, refs/tags/NAME or a 40-digit commit id")
        }
    }

    /// A branch, then a tag of that name, then anything `git rev-parse` understands.
    static func resolve(_ text: String, flag: String, in repository: GitRepository) throws(CommandFailure) -> GitObjectID {
        if let ref = try? GitSource.Ref(parsing: text) {
            if let id = try? repository.resolve(ref) { return id }
            if case .branch(let name) = ref, let id = try? repository.resolve(.tag(name)) { return id }
        }
        do {
            return try repository.resolve(revision: text)
        } catch {
            throw CommandFailure("\(flag) \"\(text)\" names no branch, tag or commit in \(repository.path); pass one that exists (git branch -a and git tag list them)", code: error.code.rawValue)
        }
    }
}
