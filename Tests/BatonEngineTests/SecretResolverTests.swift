import BatonEngine
import BatonTestSupport
import Foundation
import Testing

@Suite struct SecretResolverTests {
    let state: TemporaryDirectory

    init() throws {
        state = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: state.sub("secrets"), withIntermediateDirectories: true)
    }

    @discardableResult
    func writeSecret(_ name: String, _ contents: String, mode: Int) throws -> String {
        let path = state.sub("secrets/\(name)")
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    func secretError(_ resolver: SecretResolver, _ name: String) -> EngineError? {
        do {
            _ = try resolver.resolve(name)
            return nil
        } catch {
            return error
        }
    }

    @Test func aPrivateFileIsReadWithOneTrailingNewlineDropped() throws {
        try writeSecret("db", "s3cret\n", mode: 0o600)
        try writeSecret("two-lines", "line\n\n", mode: 0o400)
        try writeSecret("crlf", "value\r\n", mode: 0o600)
        let resolver = SecretResolver(stateDirectory: state.path, environment: [:])
        #expect(try resolver.resolve("db") == "s3cret")
        #expect(try resolver.resolve("two-lines") == "line\n")
        #expect(try resolver.resolve("crlf") == "value")
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660, 0o606])
    func aFileOthersMayReadIsRefusedWithTheFix(mode: Int) throws {
        let path = try writeSecret("db", "s3cret", mode: mode)
        // The environment has the secret too: a loose file must not silently fall back to it.
        let resolver = SecretResolver(stateDirectory: state.path, environment: ["BATON_SECRET_DB": "other"])
        let error = try #require(secretError(resolver, "db"))
        #expect(error.code == .secret)
        #expect(error.message.contains(path))
        #expect(error.message.contains(String(format: "%04o", mode)))
        #expect(error.message.contains("chmod 600 \(path)"))
        #expect(!error.message.contains("s3cret"))
    }

    @Test func aDirectoryIsNotASecretFile() throws {
        try FileManager.default.createDirectory(atPath: state.sub("secrets/db"), withIntermediateDirectories: true)
        let error = try #require(secretError(SecretResolver(stateDirectory: state.path, environment: [:]), "db"))
        #expect(error.code == .secret)
        #expect(error.message.contains("not a regular file"))
    }

    @Test func theEnvironmentIsUsedWhenThereIsNoFile() throws {
        let resolver = SecretResolver(
            stateDirectory: state.path,
            environment: ["BATON_SECRET_WAREHOUSE_PASSWORD_V2": "from-env", "BATON_SECRET_EMPTY": ""]
        )
        #expect(try resolver.resolve("warehouse-password.v2") == "from-env")
        #expect(try resolver.resolve("empty") == "")
        #expect(SecretResolver.environmentName(for: "a-b.c") == "BATON_SECRET_A_B_C")
    }

    @Test func aFileWinsOverTheEnvironment() throws {
        try writeSecret("db", "from-file", mode: 0o600)
        let resolver = SecretResolver(stateDirectory: state.path, environment: ["BATON_SECRET_DB": "from-env"])
        #expect(try resolver.resolve("db") == "from-file")
    }

    @Test func aMissingSecretNamesItAndBothPlacesLooked() throws {
        let resolver = SecretResolver(stateDirectory: state.path, environment: [:])
        let error = try #require(secretError(resolver, "api-token"))
        #expect(error.code == .secret)
        #expect(error.message.contains("\"api-token\""))
        #expect(error.message.contains(state.sub("secrets/api-token")))
        #expect(error.message.contains("BATON_SECRET_API_TOKEN"))
    }

    @Test(arguments: ["", "..", "../db", "a/b"])
    func aNameThatIsNotAFileNameIsRefused(name: String) throws {
        try writeSecret("db", "s3cret", mode: 0o600)
        let resolver = SecretResolver(stateDirectory: state.sub("secrets/x"), environment: [:])
        let error = try #require(secretError(resolver, name))
        #expect(error.code == .secret)
    }
}
