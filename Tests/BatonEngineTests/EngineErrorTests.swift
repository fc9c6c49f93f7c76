import BatonEngine
import Testing

@Suite struct EngineErrorTests {
    @Test func theCodeIsPrintedInBrackets() {
        let error = EngineError(.secret, "secret \"db\" is not set")
        #expect(error.description == "[secret] secret \"db\" is not set")
        #expect(error.code == .secret)
    }
}
