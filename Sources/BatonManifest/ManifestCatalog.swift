/// All the manifests of one source (a directory or a commit), checked together.
///
/// Some rules span files, so a revision is only valid as a whole: names must be unique across
/// the repository (identity is the name, not the path), and one invalid file rejects the
/// revision. That is why validation returns a catalog and not a list of files.
public struct ManifestCatalog: Sendable {
    /// Sorted by path.
    public private(set) var files: [ManifestFile]

    /// Checks the cross-file rules over already decoded files.
    public init(files: [ManifestFile]) {
        var files = files.sorted { $0.path < $1.path }
        var byName: [String: [Int]] = [:]
        for (index, file) in files.enumerated() {
            if let name = file.name { byName[name, default: []].append(index) }
        }
        for (name, indices) in byName where indices.count > 1 {
            for index in indices {
                let others = indices.filter { $0 != index }.map { files[$0].path }
                let (line, column) = files[index].nameLocation ?? (1, 1)
                files[index].diagnostics.append(Diagnostic(
                    file: files[index].path, line: line, column: column, pointer: "/name", severity: .error,
                    code: .duplicateName,
                    message: "pipeline name \"\(name)\" is also used by \(others.joined(separator: ", ")); names must be unique across the repository"))
                files[index].diagnostics.sort()
                files[index].pipeline = nil
            }
        }
        PipelineLinks.check(&files)
        self.files = files
        var errors = 0
        var warnings = 0
        for file in files {
            for diagnostic in file.diagnostics {
                if diagnostic.severity == .error { errors += 1 } else { warnings += 1 }
            }
        }
        self.errorCount = errors
        self.warningCount = warnings
        self.pipelines = files.compactMap(\.pipeline)
        self.pipelineCount = files.count { $0.isValid }
    }

    /// Every diagnostic, by file and position.
    public var diagnostics: [Diagnostic] { files.flatMap(\.diagnostics) }
    /// The valid pipelines, by path (those whose files kept them).
    public let pipelines: [Pipeline]
    /// How many files hold a valid pipeline.
    public let pipelineCount: Int
    public let errorCount: Int
    public let warningCount: Int
    /// True when no file has an error: the revision could be applied.
    public var isValid: Bool { errorCount == 0 }

    /// `3 files, 3 pipelines, 0 errors, 1 warning`.
    public var summary: String { summary(extraWarnings: 0) }

    /// The summary counting `extraWarnings` more warnings: those a caller found outside the
    /// files (an empty folder, a missing manifests path).
    public func summary(extraWarnings: Int, extraErrors: Int = 0) -> String {
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        return [count(files.count, "file"), count(pipelineCount, "pipeline"), count(errorCount + extraErrors, "error"),
                count(warningCount + extraWarnings, "warning")]
            .joined(separator: ", ")
    }
}

/// Which files under a manifests directory are manifests.
public enum ManifestPath {
    /// A `.json` file none of whose path components starts with `.`: hidden files and folders
    /// (editor swap files, `.github/`) are never read. `relativePath` is relative to the
    /// manifests directory, `/`-separated.
    public static func isManifest(_ relativePath: String) -> Bool {
        guard relativePath.hasSuffix(".json") else { return false }
        var atComponentStart = true
        for byte in relativePath.utf8 {
            if atComponentStart, byte == UInt8(ascii: ".") { return false }
            atComponentStart = byte == UInt8(ascii: "/")
        }
        return true
    }
}
