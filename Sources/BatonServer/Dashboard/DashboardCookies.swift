import Hummingbird

/// The dashboard's two cookies, written by hand so every attribute is the one chosen here.
///
/// - `baton_session`: the session id. `HttpOnly` (no script reads it), `SameSite=Strict` (no
///   other site's page sends it), `Path=/`. `Secure` is added when the request came over TLS;
///   Baton's server speaks plain HTTP (TLS, when wanted, ends at a proxy in front of it), and
///   a `Secure` cookie over plain HTTP would never come back, so on loopback it is left off.
///   No `Max-Age`: it lasts the browser session; the server forgets it after its lifetime.
/// - `baton_csrf`: before sign-in there is no session to hold a CSRF token, so the sign-in
///   form uses the double-submit pattern: this cookie and the form's `csrf` field must match.
enum DashboardCookies {
    static let session = "baton_session"
    static let signInCSRF = "baton_csrf"

    static func set(_ name: String, _ value: String, path: String, secure: Bool) -> String {
        "\(name)=\(value); Path=\(path); HttpOnly; SameSite=Strict\(secure ? "; Secure" : "")"
    }

    static func clear(_ name: String, path: String, secure: Bool) -> String {
        "\(name)=; Path=\(path); Max-Age=0; HttpOnly; SameSite=Strict\(secure ? "; Secure" : "")"
    }

    /// The value of cookie `name`, or nil. A value that is not a token this server could
    /// have made (wrong characters, absurd length) counts as none.
    static func value(_ name: String, in request: Request) -> String? {
        guard let value = request.cookies[name]?.value, !value.isEmpty, value.utf8.count <= 128,
              value.utf8.allSatisfy({ isTokenByte($0) }) else { return nil }
        return value
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"): true
        default: false
        }
    }

    /// Whether the request reached this server over TLS (then cookies get `Secure`).
    static func isSecure(_ request: Request) -> Bool {
        request.head.scheme == "https"
    }
}
