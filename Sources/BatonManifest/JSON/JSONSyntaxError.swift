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
    /// RFC 6901 pointer to the innermost value being read when it happened, so that even a
    /// syntax error says which part of the manifest it is in.
    public var pointer: String = ""
}
