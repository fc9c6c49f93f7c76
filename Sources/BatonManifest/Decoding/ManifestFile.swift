/// One manifest file after reading, decoding and validation.
///
/// Both the pipeline and the diagnostics are kept because a caller needs both: `validate`
/// prints diagnostics, the reconciler applies pipelines, and a file can carry warnings and
/// still be a valid pipeline.
public struct ManifestFile: Sendable {
    /// The path as the caller named it: relative to the repository for Git sources.
    public var path: String
    /// `nil` when the file has any error (or when a caller that only reports, like
    /// `baton validate`, let it go to save memory).
    public var pipeline: Pipeline?
    /// The pipeline's name when it could be read, even if the file has other errors, so a
    /// duplicate name is still caught.
    public var name: String?
    /// Where `name`'s value stands, for duplicate-name diagnostics.
    public var nameLocation: (line: Int, column: Int)?
    /// In file order.
    public var diagnostics: [Diagnostic]
    /// The other pipelines this one names in `triggers` and `onFailure`, where they are
    /// named: the catalog checks them across files (loops, unknown pipelines).
    public var links: [PipelineLink]

    /// True when nothing in the file is an error (warnings allowed).
    public var isValid: Bool { !diagnostics.contains { $0.severity == .error } }

    /// Reads, decodes and validates one manifest's bytes. Never throws: every problem becomes a
    /// diagnostic, so that a person sees all of them at once.
    public init(path: String, bytes: [UInt8]) {
        self = ManifestDecoder.decode(path: path, bytes: bytes)
    }

    init(path: String, pipeline: Pipeline?, name: String?, nameLocation: (line: Int, column: Int)?, diagnostics: [Diagnostic], links: [PipelineLink] = []) {
        self.path = path
        self.pipeline = pipeline
        self.name = name
        self.nameLocation = nameLocation
        self.diagnostics = diagnostics
        self.links = links
    }
}

/// One edge between pipelines as a manifest writes it, with its place in the file.
public struct PipelineLink: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// `triggers[i].pipeline`: the named pipeline's runs start this one.
        case trigger
        /// `onFailure.pipeline`: this one's failures start the named pipeline.
        case onFailure
    }

    public var kind: Kind
    /// The pipeline named.
    public var target: String
    public var line: Int
    public var column: Int
    public var pointer: String

    /// The direction runs flow: from `upstream` to `downstream`.
    public func edge(from declaring: String) -> (upstream: String, downstream: String) {
        kind == .trigger ? (target, declaring) : (declaring, target)
    }
}
