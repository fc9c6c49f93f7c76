import Foundation

/// Turns one manifest's JSON into a `Pipeline`, collecting every problem on the way.
///
/// Hand-written rather than `Codable` because each problem needs its exact position, a JSON
/// pointer, a stable code and a message that says what to write instead, and because decoding
/// must go on after the first problem so that a person fixes a file in one round, not ten.
/// The current JSON pointer is a stack of components turned into text only when a diagnostic
/// is made: validation runs tens of thousands of times a second.
struct ManifestDecoder {
    /// A step of the JSON pointer: a field of the manifest language (a literal, so pushing it
    /// costs nothing), a key the author chose, or an array position.
    enum PathComponent {
        case field(StaticString)
        case key(String)
        case index(Int)
    }

    let file: String
    var locator: SourceLocator
    var diagnostics: [Diagnostic] = []
    var path: [PathComponent] = []
    var errorCount = 0

    init(file: String, bytes: [UInt8]) {
        self.file = file
        self.locator = SourceLocator(bytes: bytes)
    }

    static func decode(path: String, bytes: [UInt8]) -> ManifestFile {
        var decoder = ManifestDecoder(file: path, bytes: bytes)
        let tape: JSONTape
        do {
            tape = try JSONReader().readTape(bytes)
        } catch {
            decoder.report(error.code, error.message, at: error.offset, pointer: error.pointer)
            return ManifestFile(path: path, pipeline: nil, name: nil, nameLocation: nil, diagnostics: decoder.diagnostics)
        }
        for duplicate in tape.duplicateKeys {
            var message = duplicate.message
            if let range = message.range(of: #" \(first given at byte \d+\)"#, options: .regularExpression),
                let byte = Int(message[range].filter(\.isNumber))
            {
                let (line, column) = decoder.locator.location(of: byte)
                message.replaceSubrange(range, with: " (first at line \(line), column \(column))")
            }
            decoder.report(duplicate.code, message, at: duplicate.offset, pointer: duplicate.pointer)
        }
        // The tape outlives every handle the decoder makes from it (handles hold it unowned).
        var links: [PipelineLink] = []
        let (pipeline, name, nameOffset) = withExtendedLifetime(tape) { decoder.pipeline(tape.root, links: &links) }
        let nameLocation = nameOffset.map { decoder.locator.location(of: $0) }
        decoder.diagnostics.sort()
        return ManifestFile(
            path: path,
            pipeline: decoder.errorCount == 0 ? pipeline : nil,
            name: name,
            nameLocation: nameLocation,
            diagnostics: decoder.diagnostics,
            links: links)
    }

    // MARK: Reporting

    var pointer: String {
        var text = ""
        for component in path {
            text.append("/")
            switch component {
            case .index(let index): text.append(String(index))
            case .field(let field): text.append(field.description)
            case .key(let key):
                if key.contains("~") || key.contains("/") {
                    text.append(key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1"))
                } else {
                    text.append(key)
                }
            }
        }
        return text
    }

    /// Records a problem at a byte offset; the pointer defaults to the current path.
    mutating func report(_ code: DiagnosticCode, _ message: String, at offset: Int, severity: Diagnostic.Severity = .error, pointer: String? = nil) {
        let (line, column) = locator.location(of: offset)
        if severity == .error { errorCount += 1 }
        diagnostics.append(Diagnostic(
            file: file, line: line, column: column, pointer: pointer ?? self.pointer,
            severity: severity, code: code, message: message))
    }

    /// Runs `body` with `key` pushed on the pointer.
    mutating func at<T>(_ key: String, _ body: (inout ManifestDecoder) -> T) -> T {
        path.append(.key(key))
        defer { path.removeLast() }
        return body(&self)
    }

    mutating func at<T>(_ field: StaticString, _ body: (inout ManifestDecoder) -> T) -> T {
        path.append(.field(field))
        defer { path.removeLast() }
        return body(&self)
    }

    mutating func at<T>(index: Int, _ body: (inout ManifestDecoder) -> T) -> T {
        path.append(.index(index))
        defer { path.removeLast() }
        return body(&self)
    }

    // MARK: Objects

    /// The members of an object, or a type error naming what was expected.
    mutating func object(_ value: JSONNode, _ what: @autoclosure () -> String) -> JSONNodeMembers? {
        if let members = value.members { return members }
        report(.type, "\(what()) must be an object, found \(value.typeName)", at: value.offset)
        return nil
    }

    /// Reports every member not in `allowed`, suggesting the nearest known name.
    mutating func rejectUnknown(_ members: JSONNodeMembers, allowed: [StaticString], context: @autoclosure () -> String) {
        for member in members where !allowed.contains(where: { member.keyIs($0) }) {
            let allowed = allowed.map(\.description)
            var message = "unknown field \"\(member.key)\" \(context())"
            if let suggestion = Suggestion.nearest(to: member.key, among: allowed) {
                message += "; did you mean \"\(suggestion)\"?"
            } else {
                message += "; allowed fields are \(allowed.map { "\"\($0)\"" }.joined(separator: ", "))"
            }
            at(member.key) { $0.report(.unknownField, message, at: member.keyOffset) }
        }
    }

    /// Reports each missing required field at the object's opening brace, with the pointer of
    /// the field that should be there.
    mutating func require(_ keys: [StaticString], in members: JSONNodeMembers, objectOffset: Int, context: @autoclosure () -> String) {
        for key in keys where !members.contains(where: { $0.keyIs(key) }) {
            at(key) { $0.report(.required, "missing required field \"\(key)\" \(context())", at: objectOffset) }
        }
    }

    /// The rule "exactly one of `first` or `second`": both is `conflict` (at the object),
    /// neither is `required` (with the pointer of `first`). Returns which are present.
    @discardableResult
    mutating func exactlyOne(
        _ first: StaticString, _ second: StaticString, in members: JSONNodeMembers, objectOffset: Int,
        both: @autoclosure () -> String, neither: @autoclosure () -> String
    ) -> (first: Bool, second: Bool) {
        let hasFirst = members.contains { $0.keyIs(first) }
        let hasSecond = members.contains { $0.keyIs(second) }
        if hasFirst && hasSecond {
            report(.conflict, both(), at: objectOffset)
        } else if !hasFirst && !hasSecond {
            at(first) { $0.report(.required, neither(), at: objectOffset) }
        }
        return (hasFirst, hasSecond)
    }

    /// Decodes the member named `key`, if present, with the pointer set to it.
    mutating func field<T>(_ members: JSONNodeMembers, _ key: StaticString, _ body: (inout ManifestDecoder, JSONNode) -> T?) -> T? {
        guard let member = members.first(where: { $0.keyIs(key) }) else { return nil }
        return at(key) { body(&$0, member.value) }
    }

    // MARK: Scalars

    mutating func string(_ value: JSONNode, _ what: @autoclosure () -> String) -> String? {
        if let text = value.string { return text }
        report(.type, "\(what()) must be a string, found \(value.typeName)", at: value.offset)
        return nil
    }

    /// A string that must not be empty and may have a length cap.
    mutating func text(_ value: JSONNode, _ what: @autoclosure () -> String, maxLength: Int = .max) -> String? {
        guard let text = string(value, what()) else { return nil }
        if text.isEmpty {
            report(.value, "\(what()) must not be empty", at: value.offset)
            return nil
        }
        // Every scalar is at least one UTF-8 byte, so only long texts need counting.
        if maxLength != .max, text.utf8.count > maxLength, text.unicodeScalars.count > maxLength {
            report(.value, "\(what()) is \(text.unicodeScalars.count) characters long; at most \(maxLength) are allowed", at: value.offset)
            return nil
        }
        return text
    }

    mutating func bool(_ value: JSONNode, _ what: @autoclosure () -> String) -> Bool? {
        if let flag = value.bool { return flag }
        var message = "\(what()) must be true or false, found \(value.typeName)"
        if let text = value.string, text == "true" || text == "false" {
            message += "; write \(text) without quotes"
        }
        report(.type, message, at: value.offset)
        return nil
    }

    mutating func integer(_ value: JSONNode, _ what: @autoclosure () -> String, in range: ClosedRange<Int>) -> Int? {
        guard let number = value.number else {
            var message = "\(what()) must be an integer, found \(value.typeName)"
            if let text = value.string, Int(text) != nil { message += "; write \(text) without quotes" }
            report(.type, message, at: value.offset)
            return nil
        }
        guard let integer = number.integer else {
            report(.type, "\(what()) must be a whole number, found \(number.double)", at: value.offset)
            return nil
        }
        guard integer >= Int64(range.lowerBound), integer <= Int64(range.upperBound) else {
            let bound = range.upperBound == .max ? "at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
            report(.value, "\(what()) must be \(bound), found \(integer)", at: value.offset)
            return nil
        }
        return Int(integer)
    }

    mutating func number(_ value: JSONNode, _ what: @autoclosure () -> String, atLeast minimum: Double) -> Double? {
        guard let number = value.number else {
            report(.type, "\(what()) must be a number, found \(value.typeName)", at: value.offset)
            return nil
        }
        guard number.double >= minimum else {
            report(.value, "\(what()) must be at least \(Self.format(minimum)), found \(Self.format(number.double))", at: value.offset)
            return nil
        }
        return number.double
    }

    mutating func duration(_ value: JSONNode, _ what: @autoclosure () -> String) -> ManifestDuration? {
        if let number = value.number {
            report(.invalidDuration, "\(what()) must be a duration string with a unit, like \"\(Self.format(number.double))s\", found a number", at: value.offset)
            return nil
        }
        guard let text = string(value, what()) else { return nil }
        do {
            return try ManifestDuration(parsing: text)
        } catch {
            report(.invalidDuration, "\(what()): \(error.message)", at: value.offset)
            return nil
        }
    }

    /// One of a fixed set of words, with the set listed when the value is not one of them.
    mutating func choice<E: RawRepresentable & CaseIterable>(_ value: JSONNode, _ what: @autoclosure () -> String, as: E.Type) -> E? where E.RawValue == String {
        guard let text = string(value, what()) else { return nil }
        if let choice = E(rawValue: text) { return choice }
        let options = E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        var message = "\(what()) must be one of \(options), found \"\(text)\""
        if let suggestion = Suggestion.nearest(to: text, among: E.allCases.map(\.rawValue)) {
            message += "; did you mean \"\(suggestion)\"?"
        }
        report(.value, message, at: value.offset)
        return nil
    }

    /// An array whose elements are decoded by `element`; `nil` elements are dropped (they were
    /// reported).
    mutating func array<T>(_ value: JSONNode, _ what: @autoclosure () -> String, _ element: (inout ManifestDecoder, JSONNode, Int) -> T?) -> [T]? {
        guard let elements = value.elements else {
            report(.type, "\(what()) must be an array, found \(value.typeName)", at: value.offset)
            return nil
        }
        var result: [T] = []
        result.reserveCapacity(elements.count)
        for (index, item) in elements.enumerated() {
            if let decoded = at(index: index, { element(&$0, item, index) }) { result.append(decoded) }
        }
        return result
    }

    mutating func stringArray(_ value: JSONNode, _ what: @autoclosure () -> String) -> [String]? {
        let label = what()
        return array(value, label) { decoder, item, index in decoder.string(item, "element \(index) of \(label)") }
    }

    static func format(_ double: Double) -> String {
        double.rounded() == double && abs(double) < 1e15 ? String(Int64(double)) : String(double)
    }

    // MARK: Names

    /// Checks `name` against a naming rule; reports `invalid-name` with the rule spelled out.
    mutating func checkName(_ name: String, at offset: Int, rule: NameRule, what: @autoclosure () -> String) -> Bool {
        if rule.matches(name) { return true }
        report(.invalidName, "\(what()) \"\(name)\" is not a valid name: \(rule.explanation)", at: offset)
        return false
    }
}
