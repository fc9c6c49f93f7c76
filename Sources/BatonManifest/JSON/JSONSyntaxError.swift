/// Why a file is not the strict JSON a manifest must be, and where.
///
/// The reader stops at the first syntax error (past it nothing can be trusted), so this is a
/// single error with the byte offset of the offending byte.
public struct JSONSyntaxError: Error, Sendable, Hashable {
    /// `syntax`, `encoding`, `too-large` or `too-deep`.
    public var code: DiagnosticCode
    public var message: String
    /// Byte offset of the first byte that could not be read.
    public var offset: Int
}
