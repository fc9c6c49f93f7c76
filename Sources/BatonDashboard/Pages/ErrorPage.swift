/// A 4xx or 5xx page that still carries the header, so the way back is one click.
enum ErrorPage {
    static func render(_ model: ErrorPageModel) -> String {
        let body: HTML = """
        <section class="panel" id="error" data-status="\(model.status)"><h1>\(model.status) · \(model.title)</h1>
        <p>\(model.message)</p>
        <p><a href="\(model.chrome.routes.pipelines)">Back to pipelines</a></p></section>
        """
        return Layout.page(title: model.title, chrome: model.chrome, section: nil, body: body)
    }
}
