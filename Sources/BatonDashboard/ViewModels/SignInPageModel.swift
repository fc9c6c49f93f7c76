/// The sign-in form: one token field, posted to the server, which sets the session cookie.
public struct SignInPageModel: Sendable, Hashable {
    public var chrome: PageChrome
    /// Where the form posts; `chrome.routes.signIn` unless the server says otherwise.
    public var action: String?
    /// Why the last attempt failed (`That token is not valid.`); nil on first show.
    public var error: String?
    /// Where to go after signing in, posted back as the `next` field.
    public var next: String?

    public init(chrome: PageChrome, action: String? = nil, error: String? = nil, next: String? = nil) {
        self.chrome = chrome
        self.action = action
        self.error = error
        self.next = next
    }
}
