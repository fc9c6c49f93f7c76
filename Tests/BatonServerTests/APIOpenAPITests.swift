import BatonServer
import Foundation
import Testing

/// `docs/openapi.yaml` is the API's one description: the binary serves exactly its bytes,
/// and it names exactly the paths the server answers.
@Suite struct APIOpenAPITests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/openapi.yaml")

    @Test func theServedDocumentIsTheFileByteForByte() async throws {
        let server = try await APIFixture.server()
        let reply = try await server.call("/openapi.yaml", token: ServerHarness.readToken)
        #expect(reply.status == 200)
        #expect(reply.header("content-type") == "application/yaml; charset=utf-8")
        let file = try String(contentsOf: Self.file, encoding: .utf8)
        #expect(reply.body == file, "regenerate with: python3 docs/generate_openapi_swift.py")
        #expect(try await server.call("/openapi.yaml", token: nil).status == 401)
        await server.stop()
    }

    @Test func theDocumentDescribesEveryPathTheServerAnswers() throws {
        let text = try String(contentsOf: Self.file, encoding: .utf8)
        // Paths are the keys two spaces in under `paths:`, up to `components:`.
        let section = text.components(separatedBy: "\npaths:\n")[1].components(separatedBy: "\ncomponents:\n")[0]
        let documented = section.split(separator: "\n")
            .filter { $0.hasPrefix("  /") && $0.hasSuffix(":") }
            .map { String($0.dropFirst(3).dropLast()).replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "") }
        let served = APIRoutes.servedPaths
        #expect(Set(documented) == Set(served))
        #expect(documented.count == served.count)
    }
}
