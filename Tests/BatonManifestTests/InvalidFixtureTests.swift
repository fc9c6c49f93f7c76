import BatonManifest
import Foundation
import Testing

/// Every invalid fixture must give exactly the diagnostics listed for it in `expected.tsv`
/// (severity, code, line:column, pointer): the positions a person's editor will jump to.
@Suite struct InvalidFixtureTests {
    struct Expectation: Hashable, CustomStringConvertible {
        var severity: String
        var code: String
        var position: String
        var pointer: String
        var description: String { "\(severity) [\(code)] at \(position) \(pointer)" }
    }

    static let expectations: [String: [Expectation]] = {
        let url = FixtureFiles.directory.appendingPathComponent("invalid/expected.tsv")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        var table: [String: [Expectation]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count == 5 else { continue }
            table[columns[0], default: []].append(Expectation(
                severity: columns[1], code: columns[2], position: columns[3], pointer: columns[4] == "-" ? "" : columns[4]))
        }
        return table
    }()

    @Test func thereAreAtLeastSixtyFixturesAndEachHasExpectations() {
        let names = Set(FixtureFiles.invalidFixtures.map(\.lastPathComponent))
        #expect(names.count >= 60)
        #expect(names == Set(Self.expectations.keys), "fixtures and expected.tsv disagree: \(names.symmetricDifference(Self.expectations.keys).sorted())")
    }

    @Test(arguments: FixtureFiles.invalidFixtures.map(\.lastPathComponent))
    func fixtureGivesExactlyItsDiagnostics(_ name: String) throws {
        let file = FixtureFiles.manifest(FixtureFiles.directory.appendingPathComponent("invalid/\(name)"))
        let actual = file.diagnostics.map {
            Expectation(severity: $0.severity.rawValue, code: $0.code.rawValue, position: "\($0.line):\($0.column)", pointer: $0.pointer)
        }
        #expect(file.pipeline == nil, "an invalid manifest must not produce a pipeline")
        #expect(!file.isValid)
        let expected = try #require(Self.expectations[name])
        #expect(actual.sorted { $0.description < $1.description } == expected.sorted { $0.description < $1.description })
        for diagnostic in file.diagnostics {
            #expect(!diagnostic.message.isEmpty)
            #expect(diagnostic.file == name)
        }
    }
}
