/// A page for a status other than 200: what went wrong and where to go instead.
public struct ErrorPageModel: Sendable, Hashable {
    public var chrome: PageChrome
    public var status: Int
    public var title: String
    public var message: String

    public init(chrome: PageChrome, status: Int, title: String? = nil, message: String) {
        self.chrome = chrome
        self.status = status
        self.title = title ?? Self.defaultTitle(status)
        self.message = message
    }

    static func defaultTitle(_ status: Int) -> String {
        switch status {
        case 400: "Bad request"
        case 401: "Sign in required"
        case 403: "Not allowed"
        case 404: "Not found"
        case 409: "Conflict"
        case 503: "Unavailable"
        default: status >= 500 ? "Something went wrong" : "Error"
        }
    }
}
