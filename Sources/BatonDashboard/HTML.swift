/// A fragment of markup that is already safe to send.
///
/// Built with string interpolation in which every `String` (or other value) is escaped and only
/// another `HTML` goes in as is, so a pipeline name, a commit subject or a log line can never
/// become markup: forgetting to escape would take a deliberate `HTML(raw:)`.
struct HTML: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    private(set) var markup: String

    /// Markup the caller vouches for: literals written in this target, never user data.
    init(raw markup: String) {
        self.markup = markup
    }

    init(stringLiteral value: String) {
        self.markup = value
    }

    init(stringInterpolation: Interpolation) {
        self.markup = stringInterpolation.markup
    }

    static let empty = HTML(raw: "")

    var description: String { markup }

    /// Joins fragments without a separator; how lists of rows become one table body.
    init<S: Sequence>(joining parts: S) where S.Element == HTML {
        var markup = ""
        for part in parts { markup += part.markup }
        self.markup = markup
    }

    static func + (lhs: HTML, rhs: HTML) -> HTML {
        HTML(raw: lhs.markup + rhs.markup)
    }

    static func += (lhs: inout HTML, rhs: HTML) {
        lhs.markup += rhs.markup
    }

    struct Interpolation: StringInterpolationProtocol {
        var markup = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            markup.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        mutating func appendLiteral(_ literal: String) {
            markup += literal
        }

        /// Trusted markup: another fragment built the same way.
        mutating func appendInterpolation(_ html: HTML) {
            markup += html.markup
        }

        mutating func appendInterpolation(_ parts: [HTML]) {
            for part in parts { markup += part.markup }
        }

        /// Text (or an attribute value: the same escaping serves both contexts as long as
        /// attributes are quoted, which every attribute in this target is).
        mutating func appendInterpolation(_ text: String) {
            HTML.escape(text, into: &markup)
        }

        mutating func appendInterpolation<T: CustomStringConvertible>(_ value: T) {
            HTML.escape(value.description, into: &markup)
        }

        mutating func appendInterpolation(_ text: String?) {
            if let text { HTML.escape(text, into: &markup) }
        }
    }

    /// Escapes the five characters that matter in text and quoted attributes. `'` too, so a
    /// value stays inert in a single-quoted attribute should one ever be written.
    static func escape(_ text: String) -> String {
        var out = ""
        escape(text, into: &out)
        return out
    }

    static func escape(_ text: String, into out: inout String) {
        // Fast path: most names and numbers carry nothing to escape.
        if !text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) {
            out += text
            return
        }
        out.reserveCapacity(out.utf8.count + text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    /// An attribute that is present or absent (`disabled`, `open`, `aria-current`).
    static func flag(_ name: StaticString, _ on: Bool) -> HTML {
        on ? HTML(raw: " \(name)=\"\"") : .empty
    }
}
