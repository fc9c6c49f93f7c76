import Foundation
import Hummingbird

/// The server's own JSON (errors, health, webhook answers): one encoder so every body has the
/// same key order and date form.
public enum JSONBody {
    public static let contentType = "application/json; charset=utf-8"

    /// Sorted keys (stable bodies for tests and diffs), ISO-8601 dates in UTC.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// Encodes a value the server builds itself; such a value cannot fail to encode, and if it
    /// ever did the client gets a valid error body rather than an empty one.
    static func encode(_ value: some Encodable) -> [UInt8] {
        do {
            return Array(try encoder().encode(value))
        } catch {
            return Array(#"{"error":{"code":"internal","message":"the response could not be encoded"}}"#.utf8)
        }
    }

    /// A JSON response with `status`.
    public static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType, .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(bytes: encode(value))))
    }
}
