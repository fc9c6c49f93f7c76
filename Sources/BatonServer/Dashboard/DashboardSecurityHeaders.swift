import BatonDashboard
import Crypto
import Foundation
import Hummingbird

/// The headers every dashboard response carries.
///
/// The Content-Security-Policy allows scripts only by the hash of the one inline script the
/// pages hold (the log panel's follower): no `'unsafe-inline'`, no script file, so markup
/// that ever slipped past escaping still could not run. Styles come only from the stylesheet
/// (no inline `style` attributes), connections (the log streams) and forms only go to this
/// site, and no other site may frame a page (clickjacking the action buttons).
enum DashboardSecurityHeaders {
    static let contentSecurityPolicy: String = {
        let hashes = Dashboard.inlineScripts.map { script in
            "'sha256-\(Data(SHA256.hash(data: Array(script.utf8))).base64EncodedString())'"
        }
        return [
            "default-src 'self'",
            "script-src \(hashes.joined(separator: " "))",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ].joined(separator: "; ")
    }()

    static func apply(to headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[referrerPolicy] = "same-origin"
        headers[frameOptions] = "DENY"
        headers[openerPolicy] = "same-origin"
    }

    // Names swift-http-types does not predefine; literals that always parse.
    static let referrerPolicy = HTTPFields.Element.Name("Referrer-Policy")!
    static let frameOptions = HTTPFields.Element.Name("X-Frame-Options")!
    static let openerPolicy = HTTPFields.Element.Name("Cross-Origin-Opener-Policy")!
    static let lastEventID = HTTPFields.Element.Name("Last-Event-ID")!
}
