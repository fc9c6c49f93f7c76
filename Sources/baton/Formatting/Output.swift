import BatonManifest
import Foundation

/// The one way the CLI writes what it prints, so that nothing a commit or an argument holds
/// can drive the terminal.
///
/// Manifest values (names, descriptions, commands), commit messages, author names and the
/// command's own arguments are echoed in errors and reports. A NUL, an ESC sequence, a carriage
/// return or a bidi override in them would otherwise reach the terminal raw: rewrite a title,
/// hide a line of `baton plan`, make a pull-request comment read as something else. Text output
/// goes through `escaped`; JSON output is already escaped by its writer and goes out as it is.
/// Task logs (`baton logs`) are the task's own bytes and are not rewritten, as `kubectl logs`
/// does not rewrite them.
enum Output {
    /// Text for standard output, control characters escaped.
    static func text(_ text: String, terminator: String = "\n") {
        write(escaped(text) + terminator, to: .standardOutput)
    }

    /// One `--json` document, as the writer made it.
    static func json(_ value: JSONValue) {
        write(JSONOut.render(value), to: .standardOutput)
    }

    /// A line for standard error (errors, notes, progress), control characters escaped.
    static func error(_ line: String) {
        write(escaped(line) + "\n", to: .standardError)
    }

    private static func write(_ text: String, to handle: FileHandle) {
        handle.write(Data(text.utf8))
    }

    /// `text` with every character that moves the cursor, rings, erases or reorders shown as
    /// an escape instead: C0 controls but newline and tab (`\x1B`), DEL and the C1 controls
    /// (`\x7F`, `\u{9B}`), and the bidirectional overrides and isolates (`\u{202E}`), which
    /// make text display in another order than it is read. Everything else, including all
    /// printable Unicode, is left alone, so ordinary names and messages print unchanged.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16, uppercase: true)
            if scalar.value < 0x80 {
                result += "\\x" + (hex.count < 2 ? "0" : "") + hex
            } else {
                result += "\\u{" + hex + "}"
            }
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        default: false
        }
    }
}
