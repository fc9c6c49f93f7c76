/// The dashboard's HTML, rendered from plain values: each page is a pure function of its view
/// model, so the server maps operation results onto a model and sends the string, and tests
/// check pages without a server.
///
/// Every value from a model is escaped (text and attributes alike); markup comes only from
/// this target. Forms carry `PageChrome.csrfToken` in a hidden `csrf` field, and action forms
/// appear only when `PageChrome.viewer?.canOperate` holds.
public enum Dashboard {
    /// Served at `DashboardRoutes.stylesheetPath` with `stylesheetContentType`.
    public static var stylesheet: String { Stylesheet.css }
    /// Changes whenever the stylesheet does; pages link `?v=<hash>`, so the route may send
    /// `Cache-Control: public, max-age=31536000, immutable`.
    public static var stylesheetHash: String { Stylesheet.hash }
    public static let stylesheetContentType = "text/css; charset=utf-8"
    public static let htmlContentType = "text/html; charset=utf-8"
    /// The text of every inline `<script>` a page may carry (between the tags, exactly), so
    /// the server can allow them by hash in its Content-Security-Policy and forbid every
    /// other script, 'unsafe-inline' included.
    public static var inlineScripts: [String] { [LogPanelView.scriptSource] }

    public static func pipelinesPage(_ model: PipelinesPageModel) -> String { PipelinesPage.render(model) }
    public static func pipelinePage(_ model: PipelinePageModel) -> String { PipelinePage.render(model) }
    public static func runPage(_ model: RunPageModel) -> String { RunPage.render(model) }
    public static func commitsPage(_ model: CommitsPageModel) -> String { CommitsPage.render(model) }
    public static func signInPage(_ model: SignInPageModel) -> String { SignInPage.render(model) }
    public static func errorPage(_ model: ErrorPageModel) -> String { ErrorPage.render(model) }
}
