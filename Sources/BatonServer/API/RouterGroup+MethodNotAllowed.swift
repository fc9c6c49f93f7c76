import Hummingbird

extension RouterGroup where Context == BatonRequestContext {
    /// The methods a client may try on a path besides the ones it answers.
    private static let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .options, .trace, HTTPRequest.Method("QUERY")!]

    /// Answers every other method on `path` with 405 and the `Allow` header naming the ones it
    /// takes, rather than the router's 404: the path exists, the method is what is wrong.
    /// (HEAD follows GET: Hummingbird answers it from the GET route, or from this 405.)
    func methodNotAllowed(_ path: RouterPath, allowing allowed: [HTTPRequest.Method]) {
        let allow = (allowed.contains(.get) ? allowed + [.head] : allowed).map(\.rawValue).joined(separator: ", ")
        for method in Self.methods where !allowed.contains(method) {
            on(path, method: method) { request, _ -> Response in
                throw ServerError(.methodNotAllowed, .methodNotAllowed, "\(request.method.rawValue) is not allowed here; use \(allow)", headers: [.allow: allow])
            }
        }
    }
}

extension ServerError.Code {
    /// A method the path does not take (the `Allow` header names those it does).
    public static let methodNotAllowed = ServerError.Code("method-not-allowed")
}
