/// Action forms. Every one carries the session's CSRF token in a hidden `csrf` field, because
/// the session cookie alone would let another site's page post to Baton.
enum Forms {
    static func post(action: String, chrome: PageChrome, class formClass: String = "action", fields: HTML, button: String, buttonClass: String? = nil) -> HTML {
        let buttonClassHTML: HTML = buttonClass.map { " class=\"\($0)\"" } ?? .empty
        return """
        <form method="post" action="\(action)" class="\(formClass)">\(csrf(chrome))\(fields)<button type="submit"\(buttonClassHTML)>\(button)</button></form>
        """
    }

    static func csrf(_ chrome: PageChrome) -> HTML {
        "<input type=\"hidden\" name=\"\(DashboardRoutes.csrfField)\" value=\"\(chrome.csrfToken)\"/>"
    }
}
