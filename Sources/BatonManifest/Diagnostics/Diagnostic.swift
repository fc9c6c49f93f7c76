/// One problem found in a manifest, located precisely enough for a person, an editor and a
/// pull-request bot to point at it.
///
/// Printed as a compiler-style line (`file:line:column: error: message [code] (at /pointer)`)
/// because that is the one format terminals, editors' problem matchers and CI annotations all
/// already understand.
public struct Diagnostic: Sendable, Hashable, Codable {
    /// How bad it is. Errors reject the file (and with it the whole revision); warnings are
    /// legal but almost surely not what was meant.
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
    }

    /// The file's path as the user named it (or as it stands in the repository).
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column, counted in Unicode scalars so editors land on the right character.
    public var column: Int
    /// RFC 6901 JSON pointer to the value concerned (`/tasks/2/retries`); empty for the
    /// whole document.
    public var pointer: String
    public var severity: Severity
    public var code: DiagnosticCode
    public var message: String

    public init(file: String, line: Int, column: Int, pointer: String, severity: Severity, code: DiagnosticCode, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.pointer = pointer
        self.severity = severity
        self.code = code
        self.message = message
    }

    /// The compiler-style line.
    public var formatted: String {
        let location = pointer.isEmpty ? "" : " (at \(pointer))"
        return "\(file):\(line):\(column): \(severity.rawValue): \(message) [\(code.rawValue)]\(location)"
    }
}

extension Diagnostic: Comparable {
    /// File order, then position: the order a person reads the file in.
    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        (lhs.file, lhs.line, lhs.column, lhs.pointer, lhs.message) < (rhs.file, rhs.line, rhs.column, rhs.pointer, rhs.message)
    }
}
