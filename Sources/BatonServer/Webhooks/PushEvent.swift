import Foundation

/// What Baton reads of a push payload: its `ref` (`refs/heads/main`, `refs/tags/v1`), which
/// GitHub, Gitea and GitLab all send. The rest of the payload is not trusted for anything:
/// the pass fetches the repository itself.
struct PushEvent: Decodable, Sendable {
    var ref: String

    /// - Throws: `ServerError` 400 when the body is not JSON or has no string `ref`.
    static func decode(_ body: [UInt8]) throws(ServerError) -> PushEvent {
        do {
            return try JSONDecoder().decode(PushEvent.self, from: Data(body))
        } catch let DecodingError.keyNotFound(key, _) {
            throw ServerError.badRequest("the push payload has no \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ServerError.badRequest("the push payload's \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" is not a string")
        } catch {
            throw ServerError.badRequest("the push payload is not JSON")
        }
    }
}
