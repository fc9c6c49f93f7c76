import BatonManifest
import Testing

@Suite struct ManifestDurationTests {
    @Test(arguments: [
        ("90s", 90_000), ("5m", 300_000), ("1h30m", 5_400_000), ("2d", 172_800_000), ("250ms", 250),
        ("1m30s500ms", 90_500), ("1d1h1m1s1ms", 90_061_001), ("0h5m", 300_000), ("007s", 7_000),
    ] as [(String, Int64)])
    func parses(_ text: String, _ milliseconds: Int64) throws {
        #expect(try ManifestDuration(parsing: text).milliseconds == milliseconds)
    }

    @Test(arguments: [
        ("1hour", "unknown unit \"hour\""), ("-5m", "negative"), ("5", "no unit"), ("1.5h", "fraction"),
        ("5m1h", "largest first"), ("1h1h", "largest first"), ("", "empty"), ("0s", "zero"), ("30 s", "space"),
        ("h", "where a number was expected"), ("1H", "unknown unit \"H\""), ("1w", "unknown unit \"w\""),
        ("99999999999999999999d", "too large"), ("1s1ms1s", "largest first"), ("1m1m", "largest first"),
    ])
    func rejects(_ text: String, _ fragment: String) {
        #expect {
            _ = try ManifestDuration(parsing: text)
        } throws: { error in
            (error as? DurationSyntaxError)?.message.contains(fragment) == true
        }
    }

    @Test(arguments: ["1h30m", "2d", "250ms", "1d1h1m1s1ms", "1m30s500ms"])
    func canonicalSpellingRoundTrips(_ text: String) throws {
        let duration = try ManifestDuration(parsing: text)
        #expect(duration.description == text)
        #expect(try ManifestDuration(parsing: duration.description) == duration)
    }

    @Test func normalisesToTheCanonicalSpelling() throws {
        #expect(try ManifestDuration(parsing: "0h90m").description == "1h30m")
        #expect(try ManifestDuration(parsing: "90s").description == "1m30s")
        #expect(ManifestDuration(milliseconds: 0) == nil)
        #expect(ManifestDuration(milliseconds: -1) == nil)
    }
}
