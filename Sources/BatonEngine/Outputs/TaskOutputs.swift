import Foundation

/// Reads the `key=value` lines a task wrote to the file named by `$BATON_OUTPUT`.
///
/// Outputs are how a task hands small values to the tasks after it (as
/// `BATON_UPSTREAM_<TASK>_<KEY>`) and to `if` conditions, so the rules are strict enough that
/// every key is a valid environment-variable suffix, and a task that writes garbage fails
/// instead of passing something half-parsed downstream.
public enum TaskOutputs {
    /// The largest output file accepted, in bytes. Outputs are stored with each attempt and
    /// copied into environments; anything bigger belongs in the run's workspace.
    public static let limit = 65_536

    /// Parses the output file at `path`.
    ///
    /// - An absent or empty file means the task produced no outputs.
    /// - Each non-blank line is `KEY=VALUE`: the key matches `[A-Za-z_][A-Za-z0-9_]*`, the value
    ///   is the rest of the line (possibly empty, possibly containing `=`). A `\r` before the
    ///   newline is dropped so files written on Windows-minded tools still parse.
    /// - A key written twice keeps its last value, so a task may overwrite what it said earlier.
    ///
    /// - Throws: `EngineError(.outputs, …)` for a file over ``limit`` (saying its size), a file
    ///   that is not UTF-8, a symbolic link or anything but a regular file, or a malformed
    ///   line (naming its number and showing it); `EngineError(.io, …)` when the file exists
    ///   but cannot be read.
    public static func parse(fileAt path: String) throws(EngineError) -> [String: String] {
        guard let bytes = try readFile(at: path) else { return [:] }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw EngineError(.outputs, "$BATON_OUTPUT is not UTF-8 text")
        }
        return try parse(text)
    }

    /// Parses output text already in memory; the rules of ``parse(fileAt:)``.
    static func parse(_ text: String) throws(EngineError) -> [String: String] {
        var outputs: [String: String] = [:]
        var number = 0
        // "\r\n" is a single Character, so it has to be named as a separator of its own.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            guard let equals = line.firstIndex(of: "="), isKey(line[..<equals]) else {
                throw EngineError(.outputs, "$BATON_OUTPUT line \(number) is not KEY=VALUE (KEY: letters, digits and '_', not starting with a digit): \(quoted(line))")
            }
            outputs[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return outputs
    }

    private static func isKey(_ key: Substring) -> Bool {
        guard let first = key.unicodeScalars.first else { return false }
        func isLetter(_ s: Unicode.Scalar) -> Bool { ("A"..."Z").contains(s) || ("a"..."z").contains(s) || s == "_" }
        return isLetter(first) && key.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
    }

    /// The line as people should see it in an error: quoted, and cut short if long, so one bad
    /// line cannot flood a status page.
    private static func quoted(_ line: Substring) -> String {
        let shown = line.count > 200 ? String(line.prefix(200)) + "…" : String(line)
        return "\"" + shown.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
