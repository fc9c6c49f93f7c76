import BatonOperations
import Foundation
import Hummingbird

/// The API's JSON bodies: the operations' result types encoded with `OperationJSON`, the same
/// form the CLI's `--json` writes (sorted keys, RFC 3339 UTC instants, nil fields left out).
enum APIResponse {
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws(ServerError) -> Response {
        json(try encoded(value), status: status)
    }

    static func encoded(_ value: some Encodable) throws(ServerError) -> ByteBuffer {
        do { return ByteBuffer(bytes: try OperationJSON.encoder.encode(value)) } catch {
            throw ServerError(.internalServerError, .internalError, "the response could not be encoded: \(error)")
        }
    }

    /// An answer already encoded (kept by `RunPageCache`).
    static func json(_ body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: JSONBody.contentType, .cacheControl: "no-store"], body: .init(byteBuffer: body))
    }
}
