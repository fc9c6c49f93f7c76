import BatonManifest

/// One diagnostic of a manifest, with the compiler-style line people read.
public struct DiagnosticInfo: Sendable, Equatable, Codable {
    public var file: String
    public var line: Int
    public var column: Int
    public var pointer: String
    public var severity: String
    public var code: String
    public var message: String
    /// `manifests/sales.json:5:28: error: … [invalid-cron] (at /schedule/cron)`.
    public var formatted: String

    public init(_ diagnostic: Diagnostic) {
        file = diagnostic.file
        line = diagnostic.line
        column = diagnostic.column
        pointer = diagnostic.pointer
        severity = diagnostic.severity.rawValue
        code = diagnostic.code.rawValue
        message = diagnostic.message
        formatted = diagnostic.formatted
    }
}
