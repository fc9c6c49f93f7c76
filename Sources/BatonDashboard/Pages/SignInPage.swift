/// The sign-in form: an API token in a password field, posted with the CSRF token; the
/// server answers by setting the HttpOnly, SameSite=Strict session cookie.
enum SignInPage {
    static func render(_ model: SignInPageModel) -> String {
        let chrome = model.chrome
        let next: HTML = model.next.map { "<input type=\"hidden\" name=\"next\" value=\"\($0)\"/>" } ?? .empty
        let fields: HTML = """
        <label for="token">Token<input id="token" type="password" name="token" autocomplete="current-password" required="" autofocus=""/></label>\(next)
        """
        let body: HTML = """
        <section class="panel signin"><h1>Sign in</h1>
        <p class="muted">Paste an API token from the tokens file. A <code>read</code> token shows; an <code>operate</code> token also acts.</p>
        <p class="error-text" id="sign-in-error" role="alert">\(model.error ?? "")</p>
        \(Forms.post(action: model.action ?? chrome.routes.signIn, chrome: chrome, class: "signin-form", fields: fields, button: "Sign in"))
        </section>
        """
        return Layout.page(title: "Sign in", chrome: chrome, section: nil, body: body)
    }
}
