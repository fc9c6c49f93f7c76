import Foundation
import Hummingbird

/// The context of every request to Baton's server: Hummingbird's own, plus who is asking.
public struct BatonRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthenticationMiddleware` (a bearer token) or a later middleware (the
    /// dashboard's session); nil for an anonymous request.
    public var identity: Identity?
    /// Whether the request carried credentials at all, so a 401 can say "not valid" rather
    /// than "required".
    public var credentialsPresented = false

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Bodies Hummingbird decodes are capped like every other body.
    public var maxUploadSize: Int { ServerLimits.maxBodyBytes }
}

/// Limits every route shares.
public enum ServerLimits {
    /// 1 MiB: far above any API request or push payload Baton needs, far below what would hurt.
    public static let maxBodyBytes = 1 << 20
}
