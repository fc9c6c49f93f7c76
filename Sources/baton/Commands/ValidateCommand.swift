import ArgumentParser
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

            Exit status: 0 when valid (warnings allowed), 1 when any error, 2 for a usage error.
            """)

    @Argument(help: "Manifest files or directories to check.")
    var paths: [String] = ["manifests"]

    @Flag(name: .long, help: "Print one JSON object with the result and every diagnostic, and nothing else.")
    var json = false

    func validate() throws {
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("no such file or directory: \(path); pass a manifest file or a directory of manifests")
        }
    }

    func run() throws {
        let discovered = ManifestLoader.discover(paths)
        var files = ManifestLoader.load(discovered.files, keepPipelines: false)
        for directory in discovered.emptyDirectories {
            var placeholder = ManifestFile(path: directory, bytes: [])
            placeholder.diagnostics = [Diagnostic(
                file: directory, line: 1, column: 1, pointer: "", severity: .warning, code: .noManifests,
                message: "no *.json manifests found in this directory")]
            files.append(placeholder)
        }
        let catalog = ManifestCatalog(files: files.filter { !discovered.emptyDirectories.contains($0.path) })
        let extra = files.filter { discovered.emptyDirectories.contains($0.path) }.flatMap(\.diagnostics)
        let report = ValidationReport(catalog: catalog, extraDiagnostics: extra)
        print(json ? report.json() : report.text(), terminator: "")
        if !catalog.isValid { throw ExitCode(1) }
    }
}

/// What `validate` prints, in either form.
struct ValidationReport {
    var catalog: ManifestCatalog
    var extraDiagnostics: [Diagnostic]

    var diagnostics: [Diagnostic] { catalog.diagnostics + extraDiagnostics }

    func text() -> String {
        var out = ""
        for diagnostic in diagnostics { out += diagnostic.formatted + "\n" }
        var summary = catalog.summary
        if !extraDiagnostics.isEmpty {
            summary = summary.replacingOccurrences(
                of: #"\d+ warnings?$"#,
                with: "\(catalog.warningCount + extraDiagnostics.count) warning\(catalog.warningCount + extraDiagnostics.count == 1 ? "" : "s")",
                options: .regularExpression)
        }
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
        let body = object([
            ("valid", JSONValue(.bool(catalog.isValid), offset: 0)), ("files", int(catalog.files.count)),
            ("pipelines", int(catalog.pipelineCount)), ("diagnostics", JSONValue(.array(items), offset: 0)),
        ])
        return JSONWriter.canonical(body) + "\n"
    }
}
