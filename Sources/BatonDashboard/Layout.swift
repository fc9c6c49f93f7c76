/// The document around every page: head, header with nav and identity, and the main column.
enum Layout {
    static func page(title: String, chrome: PageChrome, section: NavSection?, body: HTML) -> String {
        let routes = chrome.routes
        func nav(_ target: NavSection, _ label: String, _ href: String) -> HTML {
            "<a href=\"\(href)\"\(section == target ? HTML(raw: " aria-current=\"page\"") : .empty)>\(label)</a>"
        }
        let who: HTML
        if let viewer = chrome.viewer {
            let role = viewer.canOperate ? "operate" : "read"
            who = """
            <div class="who"><span title="signed in as \(viewer.name) (\(role))">\(viewer.name) <span class="badge">\(role)</span></span>\
            \(Forms.post(action: routes.signOut, chrome: chrome, class: "inline", fields: .empty, button: "Sign out", buttonClass: "secondary"))</div>
            """
        } else {
            who = "<div class=\"who\"><a href=\"\(routes.signIn)\">Sign in</a></div>"
        }
        let notice: HTML = chrome.notice.map { "<p class=\"notice\" role=\"status\">\($0)</p>" } ?? .empty
        let document: HTML = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="color-scheme" content="light dark"/>
        <title>\(title) · Baton</title>
        <link rel="stylesheet" href="\(routes.stylesheet)"/>
        </head>
        <body>
        <header class="top"><a class="brand" href="\(routes.pipelines)">Baton</a>\
        <nav aria-label="Main">\(nav(.pipelines, "Pipelines", routes.pipelines))\(nav(.commits, "Commits", routes.commits))</nav>\
        \(who)</header>
        <main>
        \(notice)\(body)
        </main>
        </body>
        </html>

        """
        return document.markup
    }

    /// A state as a coloured pill that also says the state in words.
    static func pill(_ state: DashboardState) -> HTML {
        "<span class=\"pill \(state.cssClass)\">\(state.label)</span>"
    }

    /// A table inside its own box: a horizontal scroller on narrow screens, or stacked cards
    /// when `cards` (each cell labelled by its header through `data-label`).
    static func table(headers: [String], rows: [[HTML]], cards: Bool = true, caption: String? = nil, empty: String) -> HTML {
        guard !rows.isEmpty else { return "<p class=\"muted\">\(empty)</p>" }
        var body = HTML.empty
        for row in rows {
            body += "<tr>"
            for (index, cell) in row.enumerated() {
                let label = index < headers.count ? headers[index] : ""
                body += "<td data-label=\"\(label)\"><span class=\"v\">\(cell)</span></td>"
            }
            body += "</tr>\n"
        }
        let head = HTML(joining: headers.map { "<th scope=\"col\">\($0)</th>" as HTML })
        let captionHTML: HTML = caption.map { "<caption class=\"sr\">\($0)</caption>" } ?? .empty
        return """
        <div class="table-box scroll"><table\(cards ? HTML(raw: " class=\"cards\"") : .empty)>\(captionHTML)<thead><tr>\(head)</tr></thead>
        <tbody>
        \(body)</tbody></table></div>
        """
    }
}
