@testable import BatonEngine
import Testing

@Suite struct SecretRedactorTests {
    @Test func everyOccurrenceOfEverySecretIsMasked() {
        let redactor = Redactor(secrets: ["hunter2", "tok-123"])
        #expect(redactor.redact("password=hunter2 token=tok-123 again hunter2") == "password=*** token=*** again ***")
        #expect(redactor.redact("nothing here") == "nothing here")
    }

    @Test func theLongestSecretIsMaskedFirst() {
        // Had "abc" gone first, "abcdef" would show as "***def".
        let redactor = Redactor(secrets: ["abc", "abcdef"])
        #expect(redactor.redact("x abcdef y abc") == "x *** y ***")
    }

    @Test func emptySecretsAreIgnored() {
        #expect(Redactor(secrets: ["", "s"]).redact("is it") == "i*** it")
        #expect(Redactor(secrets: [""]).redact("text") == "text")
        #expect(Redactor.none.redact("text") == "text")
    }

    @Test func aSecretBeforeACombiningMarkIsStillMasked() {
        // "e" + U+0301 is one Character "é"; the bytes of the secret are still on screen.
        let redactor = Redactor(secrets: ["passe"])
        #expect(redactor.redact("passe\u{301}!") == "***\u{301}!")
        #expect(Redactor(secrets: ["ünïcødé"]).redact("[ünïcødé]") == "[***]")
    }

    @Test func aMultiLineSecretIsMaskedWholeAndEachLongLineAlone() {
        let key = "-----BEGIN KEY-----\n  MIIEvQIBADANBgkqhkiG9w0BAQEF\nAB==\n-----END KEY-----"
        let redactor = Redactor(secrets: [key])
        #expect(redactor.redact("key: " + key + " done") == "key: *** done")
        // Printed line by line, re-indented, or with CRLF: every line of 8 bytes or more is hidden.
        #expect(redactor.redact("MIIEvQIBADANBgkqhkiG9w0BAQEF") == "***")
        #expect(redactor.redact("\tMIIEvQIBADANBgkqhkiG9w0BAQEF\r\n") == "\t***\r\n")
        #expect(redactor.redact("-----END KEY-----") == "***")
        // A short line is ordinary text on its own; inside the whole value it is hidden.
        #expect(redactor.redact("AB== is short") == "AB== is short")
        #expect(Redactor.minimumLineLength == 8)
        let short = Redactor(secrets: ["a\nb"])
        #expect(short.redact("[a\nb]") == "[***]")
        #expect(short.redact("a b") == "a b")
    }

    @Test func overlappingSecretsAreHiddenAsOne() {
        // Neither "***ef" nor "ab***": every byte of every occurrence is hidden.
        let redactor = Redactor(secrets: ["abcd", "cdef"])
        #expect(redactor.redact("x abcdef y") == "x *** y")
        #expect(redactor.redact("abcdabcd") == "******")
    }

    /// Whatever the chunk boundaries, the stream gives what redacting the whole text gives.
    @Test func aStreamFindsSecretsCutByAnyChunkBoundary() {
        let secrets = ["hunter2-secret", "abcd", "cdef", "first-line-of-key\nsecond-line-of-key"]
        let redactor = Redactor(secrets: secrets)
        let text = "start hunter2-secret, hunter2-secrethunter2-secret abcdef hunter\n"
            + "k first-line-of-key\nsecond-line-of-key and second-line-of-key\nend hunter2-secre"
        let whole = redactor.redact(text)
        #expect(!whole.contains("hunter2-secret") && !whole.contains("line-of-key") && whole.hasSuffix("end hunter2-secre"))
        let bytes = Array(text.utf8)
        for size in 1...bytes.count {
            var stream = RedactingStream(redactor)
            var output: [UInt8] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + size)
                bytes[start..<end].withUnsafeBufferPointer { stream.feed($0, into: &output) }
                start = end
            }
            stream.finish(into: &output)
            #expect(String(decoding: output, as: UTF8.self) == whole, "chunks of \(size) bytes")
            #expect(stream.matched)
        }
    }

    /// Only a tail that could still become a secret waits; a finished line goes out at once,
    /// so `baton logs --follow` is not held back by redaction.
    @Test func aStreamHoldsBackOnlyWhatCouldStartASecret() {
        var stream = RedactingStream(Redactor(secrets: ["hunter2"]))
        var output: [UInt8] = []
        func feed(_ text: String) -> String {
            output.removeAll()
            Array(text.utf8).withUnsafeBufferPointer { stream.feed($0, into: &output) }
            return String(decoding: output, as: UTF8.self)
        }
        #expect(feed("hello\n") == "hello\n")
        #expect(feed("pass=hun") == "pass=")
        #expect(feed("ter2!\n") == "***!\n")
        #expect(feed("hunt") == "")
        #expect(feed("ing\n") == "hunting\n")
        #expect(feed("h") == "")
        output.removeAll()
        stream.finish(into: &output)
        #expect(output == Array("h".utf8))
    }
}
