import Hummingbird

/// The outermost middleware: whatever a route throws becomes the one JSON error shape.
///
/// Hummingbird's own errors (no route: 404; a body over the limit: 413; a body that does not
/// decode: 400) are mapped onto `ServerError` codes; anything else is a 500 whose details go
/// to the log, not to the client.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = BatonRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let mapped = Self.map(error)
            if mapped.status.code >= 500, mapped.code == .internalError {
                context.logger.error("request failed", metadata: [
                    "method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(String(reflecting: error))",
                ])
            }
            return try mapped.response(from: request, context: context)
        }
    }

    static func map(_ error: any Error) -> ServerError {
        switch error {
        case let error as ServerError:
            return error
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            // NIO's "too many bytes" from `collect(upTo:)` among them.
            return .bodyTooLarge(limit: ServerLimits.maxBodyBytes)
        case let error as HTTPError:
            return ServerError(error.status, code(for: error.status), error.body ?? error.status.reasonPhrase, headers: error.headers)
        case let error as any HTTPResponseError:
            return ServerError(error.status, code(for: error.status), error.status.reasonPhrase)
        default:
            return ServerError(.internalServerError, .internalError, "the server failed to answer; its log says why")
        }
    }

    private static func code(for status: HTTPResponse.Status) -> ServerError.Code {
        switch status.code {
        case 404, 405: .notFound
        case 413: .bodyTooLarge
        case 401: .unauthorized
        case 403: .forbidden
        case 400..<500: .badRequest
        default: .internalError
        }
    }
}
