import BatonOperations
import Hummingbird

extension ServerError {
    /// An operation's refusal as the API answers it: the operation's own stable code and the
    /// HTTP status it names (`OperationError.httpStatus`), so the CLI's exit codes and the
    /// API's statuses come from one table and cannot drift apart.
    public init(_ error: OperationError) {
        self.init(HTTPResponse.Status(code: error.httpStatus), Code(error.code.rawValue), error.message)
    }

    /// 416: a `Range` the log cannot satisfy, with the `Content-Range: bytes */SIZE` a client
    /// needs to ask again.
    static func rangeNotSatisfiable(_ message: String, size: UInt64) -> ServerError {
        ServerError(.rangeNotSatisfiable, .rangeNotSatisfiable, message, headers: [.contentRange: "bytes */\(size)"])
    }
}

extension ServerError.Code {
    /// A `Range` (or `?offset=`) past the end of an attempt's log.
    public static let rangeNotSatisfiable = ServerError.Code("range-not-satisfiable")
}

/// Runs one operation for a route, turning its typed error into the API's error shape.
func operation<T>(_ body: () async throws(OperationError) -> T) async throws(ServerError) -> T {
    do { return try await body() } catch { throw ServerError(error) }
}
