import BatonOperations
import Foundation
import Hummingbird

/// The API's JSON bodies: the operations' result types encoded with `OperationJSON`, the same
/// form the CLI's `--json` writes (sorted keys, RFC 3339 UTC instants, nil fields left out).
enum APIResponse {
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws(ServerError) -> Response {
        let bytes: Data
        do { bytes = try OperationJSON.encoder.encode(value) } catch {
            throw ServerError(.internalServerError, .internalError, "the response could not be encoded: \(error)")
        }
        return Response(
            status: status, headers: [.contentType: JSONBody.contentType, .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
