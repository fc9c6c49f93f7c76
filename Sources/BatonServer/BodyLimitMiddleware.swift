import Hummingbird

/// Refuses a body announced over the limit before reading a byte of it (413). Bodies without
/// a length (chunked) are capped where they are read: `collect(upTo:)` and Hummingbird's
/// decoding both stop at `ServerLimits.maxBodyBytes`.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = BatonRequestContext
    let limit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw ServerError.bodyTooLarge(limit: limit)
        }
        return try await next(request, context)
    }
}
