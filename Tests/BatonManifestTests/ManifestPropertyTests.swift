import BatonManifest
import PropertyBased
import Testing

/// Properties over generated inputs (swift-property-based shrinks any failure to a small case).
@Suite struct ManifestPropertyTests {
    /// Any positive length has exactly one spelling, and that spelling reads back as itself.
    @Test func everyDurationHasOneCanonicalSpellingThatReadsBack() async {
        await propertyCheck(count: 2000, input: Gen.int64(in: 1...(400 * 86_400_000))) { milliseconds in
            let duration = ManifestDuration(milliseconds: milliseconds)!
            let text = duration.description
            #expect((try? ManifestDuration(parsing: text)) == duration, "\(milliseconds) ms spelled \(text)")
        }
    }

    /// Any string survives writing and reading back, whatever it holds: the canonical text that
    /// spec hashes are computed over must never lose or change a character.
    @Test func stringsSurviveTheWriterAndTheReader() async {
        let text = Gen.character(in: "\u{0}"..."\u{2FF}").string(of: 0...40)
        await propertyCheck(count: 1000, input: text) { text in
            let written = JSONWriter.canonical(JSONValue(.string(text), offset: 0))
            let read = try? JSONReader().read(Array("[\(written)]".utf8)).root.elements?.first?.stringValue
            #expect(read == text)
        }
    }

    /// Valid pipeline names stay valid, and a name with any other character is refused.
    @Test func pipelineNamesFollowTheirRule() async {
        let name = Gen.character(in: "a"..."z").string(of: 1...40)
        await propertyCheck(count: 500, input: name, Gen.character(in: "!"..."~")) { name, intruder in
            func validate(_ candidate: String) -> Bool {
                let text = #"{"apiVersion":"baton/v1","kind":"Pipeline","name":"\#(candidate)","tasks":[{"id":"a","run":"true"}]}"#
                return ManifestFile(path: "p.json", bytes: Array(text.utf8)).isValid
            }
            #expect(validate(name))
            let allowed = intruder.isLowercase || intruder.isNumber || intruder == "-"
            if !allowed, intruder != "\"", intruder != "\\" {
                #expect(!validate(name + String(intruder) + "x"), "\(intruder) accepted in a name")
            }
        }
    }
}
