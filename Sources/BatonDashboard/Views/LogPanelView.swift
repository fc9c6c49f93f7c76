/// Each attempt's log in a collapsible panel: the lines the server already read, then live
/// lines through Server-Sent Events while the attempt runs.
///
/// The stream URL travels in a `data-stream` attribute, never inside the script, so no value
/// from the view model is ever JavaScript; the script is the same bytes on every page (one
/// hash if a Content-Security-Policy ever pins it). Each line is one `<span>` child of
/// `<pre class="log" data-task data-attempt>`, added with `textContent`, so a log line cannot
/// become markup on the client either.
enum LogPanelView {
    /// Browsers allow six HTTP/1.1 connections per host; following more logs at once would
    /// stall the page's own requests. Further live panels start closed and follow when opened.
    static let liveOpenLimit = 4

    static func render(_ panels: [LogPanel]) -> HTML {
        guard !panels.isEmpty else { return "<p class=\"muted\">No logs yet.</p>" }
        var liveOpened = 0
        var html = HTML.empty
        for panel in panels {
            let live = panel.streamURL != nil
            let open: Bool
            if live {
                open = liveOpened < liveOpenLimit
                if open { liveOpened += 1 }
            } else {
                open = panel.state == .failed || panel.state == .timedOut
            }
            var lines = HTML.empty
            for line in panel.lines { lines += "<span>\(line)</span>" }
            let stream: HTML = panel.streamURL.map { " data-stream=\"\($0)\"" } ?? .empty
            let truncated: HTML = panel.truncated ? "<span class=\"muted\">showing the end of the log</span>" : .empty
            let following: HTML = live ? "<span class=\"badge\">live</span>" : .empty
            html += """
            <details class="log-panel" id="log-\(panel.task)-\(panel.attempt)"\(HTML.flag("open", open))>\
            <summary><strong>\(panel.task)</strong> <span>attempt \(panel.attempt)</span> \(Layout.pill(panel.state)) \(following) \(truncated)</summary>\
            <pre class="log" data-task="\(panel.task)" data-attempt="\(panel.attempt)"\(stream)>\(lines)</pre></details>

            """
        }
        return html + script
    }

    static let script: HTML = HTML(raw: "<script>" + scriptSource + "</script>\n")

    /// The script's text, hashed by the server's Content-Security-Policy.
    static let scriptSource = """

    (function () {
      function follow(pre) {
        if (pre.dataset.following || pre.dataset.ended) return;
        pre.dataset.following = "1";
        var source = new EventSource(pre.dataset.stream);
        source.onmessage = function (event) {
          var stick = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
          event.data.split("\\n").forEach(function (text) {
            var line = document.createElement("span");
            line.textContent = text;
            pre.appendChild(line);
          });
          if (stick) pre.scrollTop = pre.scrollHeight;
        };
        source.addEventListener("end", function () {
          source.close();
          pre.dataset.ended = "1";
          delete pre.dataset.following;
        });
      }
      document.querySelectorAll("details.log-panel").forEach(function (panel) {
        var pre = panel.querySelector("pre.log[data-stream]");
        if (!pre) return;
        if (panel.open) follow(pre);
        panel.addEventListener("toggle", function () { if (panel.open) follow(pre); });
      });
    })();

    """
}
