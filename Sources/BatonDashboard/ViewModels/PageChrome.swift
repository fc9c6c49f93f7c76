import Foundation

/// Who is looking at the page, as the server's session says.
public struct Viewer: Sendable, Hashable {
    /// The token's name (or the session's), shown in the header.
    public var name: String
    /// Whether action forms (trigger, cancel, retry, suspend, resume) are shown. The server
    /// checks the role again on every POST; hiding the forms is for people, not security.
    public var canOperate: Bool

    public init(name: String, canOperate: Bool) {
        self.name = name
        self.canOperate = canOperate
    }
}

/// The navigation entry a page belongs to, marked current in the header.
public enum NavSection: String, Sendable, Hashable {
    case pipelines
    case commits
}

/// What every page shares: the header's identity and sign-out form, the CSRF token every
/// form carries, where links point, and the zone and instant times are shown against.
public struct PageChrome: Sendable, Hashable {
    /// nil when nobody is signed in: the header shows a sign-in link instead.
    public var viewer: Viewer?
    /// The server's token for this session; every form posts it back in the `csrf` field.
    public var csrfToken: String
    public var routes: DashboardRoutes
    /// The zone times without a zone of their own are shown in (runs, versions, commits).
    /// Next fire times use each pipeline's own zone, as its schedule means them.
    public var timeZone: TimeZone
    /// The instant the page describes: running attempts are drawn up to it and running
    /// durations measured to it. Passed in, not read, so a page is a pure function.
    public var now: Date
    /// A one-line notice after an action (`Run 42 queued`), shown once above the content.
    public var notice: String?

    public init(viewer: Viewer?, csrfToken: String, routes: DashboardRoutes = DashboardRoutes(), timeZone: TimeZone = TimeZone(identifier: "UTC")!, now: Date, notice: String? = nil) {
        self.viewer = viewer
        self.csrfToken = csrfToken
        self.routes = routes
        self.timeZone = timeZone
        self.now = now
        self.notice = notice
    }

    var canOperate: Bool { viewer?.canOperate ?? false }
}
