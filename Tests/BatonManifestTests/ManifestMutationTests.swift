import BatonManifest
import Foundation
import Testing

/// Systematic damage to valid manifests: every mutant must give at least one error located
/// inside the file, and none may crash the validator.
@Suite struct ManifestMutationTests {
    /// Objects whose keys are the user's own names (labels, variables, parameters, headers):
    /// renaming one of those keys is not a mistake the validator can see.
    static let freeFormObjects: Set<String> = ["labels", "env", "parameters", "headers", "params"]

    static var seeds: [URL] { FixtureFiles.validFixtures + FixtureFiles.shippedManifests }

    /// Asserts at least one error, each positioned within the text.
    func expectLocatedError(_ text: [UInt8], _ what: String, code: DiagnosticCode? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        let file = ManifestFile(path: "mutant.json", bytes: text)
        let errors = file.diagnostics.filter { $0.severity == .error }
        #expect(!errors.isEmpty, "\(what) was accepted", sourceLocation: sourceLocation)
        #expect(file.pipeline == nil, sourceLocation: sourceLocation)
        let lines = text.split(separator: 0x0A, omittingEmptySubsequences: false)
        for error in errors {
            let insideLines = error.line >= 1 && error.line <= lines.count
            #expect(insideLines, "\(what): \(error.formatted) is outside the file", sourceLocation: sourceLocation)
            if insideLines {
                let width = String(decoding: lines[error.line - 1], as: UTF8.self).unicodeScalars.count
                #expect(error.column >= 1 && error.column <= width + 1, "\(what): \(error.formatted) is outside its line", sourceLocation: sourceLocation)
            }
        }
        if let code {
            #expect(errors.contains { $0.code == code }, "\(what): expected [\(code)], got \(errors.map(\.formatted))", sourceLocation: sourceLocation)
        }
    }

    // MARK: Tree mutations

    /// Every path to an object member that belongs to the manifest language (not a free-form key).
    static func schemaMembers(_ value: JSONValue, parentKey: String? = nil, path: [PathStep] = []) -> [[PathStep]] {
        switch value.kind {
        case .object(let members):
            var result: [[PathStep]] = []
            for member in members {
                let here = path + [.key(member.key)]
                if !freeFormObjects.contains(parentKey ?? "") { result.append(here) }
                result += schemaMembers(member.value, parentKey: member.key, path: here)
            }
            return result
        case .array(let elements):
            return elements.enumerated().flatMap { schemaMembers($1, parentKey: nil, path: path + [.index($0)]) }
        default:
            return []
        }
    }

    enum PathStep: Hashable { case key(String), index(Int) }

    /// Applies `change` to the member or element at `path` (nil removes a member).
    static func modify(_ value: JSONValue, at path: ArraySlice<PathStep>, _ change: (JSONMember) -> JSONMember?) -> JSONValue {
        var value = value
        guard let step = path.first else { return value }
        switch (step, value.kind) {
        case (.key(let key), .object(var members)):
            guard let index = members.firstIndex(where: { $0.key == key }) else { return value }
            if path.count == 1 {
                if let replaced = change(members[index]) { members[index] = replaced } else { members.remove(at: index) }
            } else {
                members[index].value = modify(members[index].value, at: path.dropFirst(), change)
            }
            value.kind = .object(members)
        case (.index(let index), .array(var elements)):
            elements[index] = modify(elements[index], at: path.dropFirst(), change)
            value.kind = .array(elements)
        default:
            break
        }
        return value
    }

    static func document(_ url: URL) throws -> JSONValue {
        try JSONReader().read(FixtureFiles.bytes(url)).root
    }

    @Test(arguments: seeds.map(\.path))
    func misspelledKeysAreUnknownFields(_ path: String) throws {
        let root = try Self.document(URL(fileURLWithPath: path))
        for memberPath in Self.schemaMembers(root) {
            let mutant = Self.modify(root, at: memberPath[...]) { member in
                var member = member
                member.key = member.key.count > 2 ? String(member.key.dropLast()) + "x" + String(member.key.last!) : member.key + "x"
                return member
            }
            expectLocatedError(Array(JSONWriter.pretty(mutant).utf8), "misspelling \(memberPath) in \(path)", code: .unknownField)
        }
    }

    @Test(arguments: seeds.map(\.path))
    func droppedRequiredFieldsAreReported(_ path: String) throws {
        let root = try Self.document(URL(fileURLWithPath: path))
        let required: Set<String> = ["apiVersion", "kind", "name", "tasks", "id", "url", "on"]
        for memberPath in Self.schemaMembers(root) {
            guard case .key(let key) = memberPath.last!, required.contains(key) else { continue }
            // A trigger's "on" is optional (succeeded by default); an alert's is required.
            if key == "on", memberPath.contains(.key("triggers")) { continue }
            let mutant = Self.modify(root, at: memberPath[...]) { _ in nil }
            expectLocatedError(Array(JSONWriter.pretty(mutant).utf8), "dropping \(memberPath) in \(path)", code: .required)
        }
    }

    /// Replaces each value in the manifest language with one of another JSON type.
    @Test(arguments: seeds.map(\.path))
    func changedTypesAreErrors(_ path: String) throws {
        let root = try Self.document(URL(fileURLWithPath: path))
        for memberPath in Self.schemaMembers(root) {
            let mutant = Self.modify(root, at: memberPath[...]) { member in
                var member = member
                switch member.value.kind {
                case .string: member.value.kind = .number(JSONNumber(double: 7, integer: 7))
                case .number: member.value.kind = .string("7")
                case .bool: member.value.kind = .string("yes")
                case .array: member.value.kind = .object([])
                case .object: member.value.kind = .array([])
                case .null: member.value.kind = .bool(true)
                }
                return member
            }
            expectLocatedError(Array(JSONWriter.pretty(mutant).utf8), "retyping \(memberPath) in \(path)")
        }
    }

    // MARK: Byte mutations

    static let small = Array(#"{"apiVersion": "baton/v1", "kind": "Pipeline", "name": "m", "tasks": [{"id": "a", "needs": [], "run": ["true"]}], "suspend": false}"#.utf8)

    @Test func everyTruncationIsAnError() {
        for length in 0..<Self.small.count {
            expectLocatedError(Array(Self.small[..<length]), "truncating to \(length) bytes")
        }
    }

    @Test func aStrayInvalidByteAnywhereIsAnError() {
        for position in 0...Self.small.count {
            var mutant = Self.small
            mutant.insert(0xFF, at: position)
            expectLocatedError(mutant, "0xFF at \(position)", code: .encoding)
        }
    }

    @Test func deletingAnyStructuralByteIsAnError() {
        let structural = Set("{}[]:,\"".utf8)
        for position in Self.small.indices where structural.contains(Self.small[position]) {
            var mutant = Self.small
            mutant.remove(at: position)
            expectLocatedError(mutant, "deleting byte \(position) (\(Character(Unicode.Scalar(Self.small[position]))))")
        }
    }

    @Test func everySingleByteReplacementIsHandledWithoutCrashing() {
        // Not every replacement is an error ("true" → "trur" is still a command); none may crash,
        // and whatever is reported must be inside the file.
        for position in Self.small.indices {
            for byte: UInt8 in [0x00, 0x0A, 0x22, 0x2C, 0x5C, 0x7B, 0x5D, 0x80, 0xC3] {
                var mutant = Self.small
                mutant[position] = byte
                let file = ManifestFile(path: "m.json", bytes: mutant)
                for diagnostic in file.diagnostics {
                    #expect(diagnostic.line >= 1 && diagnostic.column >= 1, "\(diagnostic.formatted)")
                }
                #expect(file.isValid == file.diagnostics.allSatisfy { $0.severity == .warning })
            }
        }
    }

    @Test func theUnmutatedSmallFileIsValid() {
        #expect(ManifestFile(path: "m.json", bytes: Self.small).diagnostics.map(\.formatted) == [])
    }
}
