import Foundation

/// One signed-in browser: who it is (the identity of the token it signed in with, never the
/// token itself), the CSRF token its forms carry, and until when it holds.
struct DashboardSession: Sendable, Hashable {
    /// The cookie's value: 256 random bits, meaningless outside this server's memory.
    var id: String
    var identity: Identity
    /// The synchronizer token every form of this session posts back in its `csrf` field.
    var csrfToken: String
    var createdAt: Date
    var expiresAt: Date
    /// The one-line notice an action leaves for the page it redirects to, shown once.
    var flash: String?
}
