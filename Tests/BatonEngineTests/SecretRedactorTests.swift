import BatonEngine
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
}
