import ArgumentParser
import BatonGit
import BatonManifest
import Foundation

/// `baton validate`: the pull-request check.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check manifests and report every problem with its file, line and column.",
        discussion: """
            Reads each PATH (a manifest file, or a directory searched for *.json files; \
            names starting with "." are skipped) and checks every manifest and the rules \
            between them, such as unique pipeline names. Problems print one per line:

              manifests/sales.json:12:7: error: unknown field "retires" in task "load"; did you mean "retries"? [unknown-field] (at /tasks/2/retires)

            With --repo, checks the manifests of a ref of a Git repository instead, exactly \
            as the reconciler will read them (use it in CI against a pull request's branch). \
            HTTPS credentials come from BATON_GIT_TOKEN, or BATON_GIT_USERNAME and \
            BATON_GIT_PASSWORD.

            Exit status: 0 when valid (warnings allowed), 1 when any error, 2 for a usage \
            error, 3 when the repository could not be fetched.
            """)

    @Argument(help: "Manifest files or directories to check.")
    var paths: [String] = []

    @Option(name: .long, help: "A Git repository URL (or local path) to check instead of PATHs.")
    var repo: String?

    @Option(name: .long, help: "With --repo: a branch, refs/tags/NAME, or a 40-digit commit.")
    var ref = "main"

    @Option(name: .long, help: "With --repo: the manifests folder inside the repository.")
    var path = "manifests"

    @Option(name: .long, help: "With --repo: Baton's state directory, where the repository's mirror is kept (default $BATON_STATE or .baton).")
    var state: String?

    @Flag(name: .long, help: "Print one JSON object with the result and every diagnostic, and nothing else.")
    var json = false

    func validate() throws {
        if repo != nil {
            guard paths.isEmpty else { throw ValidationError("give either PATHs or --repo, not both") }
            do { _ = try GitSource.checkedManifestsPath(path) } catch { throw ValidationError("--path: \(error.message)") }
            return
        }
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("no such file or directory: \(path); pass a manifest file or a directory of manifests")
        }
    }

    func run() throws {
        let report: ValidationReport
        if let repo {
            report = try validateRepository(repo)
        } else {
            report = validateFiles(paths.isEmpty ? ["manifests"] : paths)
        }
        if json { print(report.json(), terminator: "") } else { Output.text(report.text(), terminator: "") }
        if !report.isValid { throw ExitCode(1) }
    }

    func validateFiles(_ paths: [String]) -> ValidationReport {
        let discovered = ManifestLoader.discover(paths)
        let files = ManifestLoader.load(discovered.files, keepPipelines: false)
        let empty = discovered.emptyDirectories.map { directory in
            Diagnostic(
                file: directory, line: 1, column: 1, pointer: "", severity: .warning, code: .noManifests,
                message: "no *.json manifests found in this directory")
        }
        return ValidationReport(catalog: ManifestCatalog(files: files), extraDiagnostics: empty)
    }

    func validateRepository(_ url: String) throws -> ValidationReport {
        let stateDirectory = state ?? ProcessInfo.processInfo.environment["BATON_STATE"] ?? ".baton"
        do {
            let source = GitSource(url: url, ref: try GitSource.Ref(parsing: ref), manifestsPath: path)
            let fetched = try GitMirror(stateDirectory: stateDirectory).sync(source, credentials: .fromEnvironment())
            let repository = try GitRepository(path: fetched.mirrorPath)
            let snapshot = try repository.manifests(at: fetched.commit, under: path)
            // The whole tree, as the reconciler judges it: a name or link that cannot be
            // exported safely, or a path too long, rejects the commit there, so it fails here.
            var extra = try repository.exportProblems(at: fetched.commit, prefixBytes: TreeStore(stateDirectory: stateDirectory).exportPrefixBytes)
            if !snapshot.manifestsPathExists {
                extra.append(Diagnostic(
                    file: path, line: 1, column: 1, pointer: "", severity: .warning, code: .noManifests,
                    message: "\(path) does not exist at \(fetched.commit.short); check --path"))
            }
            return ValidationReport(catalog: snapshot.catalog(), extraDiagnostics: extra, commit: fetched.commit.hex)
        } catch {
            // The description says whether a retry can help (transient) or a person must act.
            Output.error("error: \(error.description)")
            throw ExitCode(3)
        }
    }
}

/// What `validate` prints, in either form.
struct ValidationReport {
    var catalog: ManifestCatalog
    var extraDiagnostics: [Diagnostic]
    /// The commit checked, with `--repo`.
    var commit: String?

    var diagnostics: [Diagnostic] { catalog.diagnostics + extraDiagnostics }

    /// Whether the reconciler would apply it: the manifests, and what else the commit holds.
    var isValid: Bool { catalog.isValid && !extraDiagnostics.contains { $0.severity == .error } }

    func text() -> String {
        var out = ""
        for diagnostic in diagnostics { out += diagnostic.formatted + "\n" }
        let extraErrors = extraDiagnostics.filter { $0.severity == .error }.count
        var summary = catalog.summary(extraWarnings: extraDiagnostics.count - extraErrors, extraErrors: extraErrors)
        if let commit { summary += " at \(commit.prefix(12))" }
        return out + summary + "\n"
    }

    /// `{"valid", "files", "pipelines", "diagnostics": [...]}` with sorted keys. Written with
    /// `JSONWriter` rather than `JSONEncoder`, whose first use alone costs more than checking
    /// a thousand manifests.
    func json() -> String {
        func string(_ text: String) -> JSONValue { JSONValue(.string(text), offset: 0) }
        func int(_ value: Int) -> JSONValue { JSONValue(.number(JSONNumber(double: Double(value), integer: Int64(value))), offset: 0) }
        func object(_ fields: [(String, JSONValue)]) -> JSONValue {
            JSONValue(.object(fields.map { JSONMember(key: $0.0, keyOffset: 0, value: $0.1) }), offset: 0)
        }
        let items = diagnostics.map { diagnostic in
            object([
                ("file", string(diagnostic.file)), ("line", int(diagnostic.line)), ("column", int(diagnostic.column)),
                ("pointer", string(diagnostic.pointer)), ("severity", string(diagnostic.severity.rawValue)),
                ("code", string(diagnostic.code.rawValue)), ("message", string(diagnostic.message)),
            ])
        }
        var fields: [(String, JSONValue)] = [
            ("valid", JSONValue(.bool(isValid), offset: 0)), ("files", int(catalog.files.count)),
            ("pipelines", int(catalog.pipelineCount)), ("diagnostics", JSONValue(.array(items), offset: 0)),
        ]
        if let commit { fields.append(("commit", string(commit))) }
        let body = object(fields)
        return JSONWriter.canonical(body) + "\n"
    }
}
