import AsyncHTTPClient
import Foundation

/// Reads a Server-Sent Events response as a browser's EventSource would: events split on
/// blank lines, `id:`, `event:` and `data:` fields, comments ignored.
struct ServerSentEvent: Sendable, Equatable {
    var id: String?
    var event: String
    var data: String
}

enum EventStreamReader {
    struct Opened: Sendable {
        var status: Int
        var contentType: String?
        var events: [ServerSentEvent]
        /// When each event arrived (after the request was sent).
        var arrivals: [ContinuousClock.Instant]
    }

    /// Opens `path` and reads events until an `end` event, the stream closing, `limit`
    /// events, or `timeout`; `onEvent` sees each as it arrives.
    static func read(_ url: String, headers: [(String, String)] = [], limit: Int = 10_000, timeout: Duration = .seconds(30),
                     onEvent: (ServerSentEvent) async throws -> Void = { _ in }) async throws -> Opened {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await DashboardClient.http.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
        var opened = Opened(status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"), events: [], arrivals: [])
        guard response.status.code == 200 else { return opened }
        var pending = ""
        var current = ServerSentEvent(id: nil, event: "message", data: "")
        var hasData = false
        reading: for try await buffer in response.body {
            pending += String(decoding: buffer.readableBytesView, as: UTF8.self)
            while let newline = pending.firstIndex(of: "\n") {
                let line = String(pending[..<newline])
                pending = String(pending[pending.index(after: newline)...])
                if line.isEmpty {
                    if hasData || current.event != "message" {
                        opened.events.append(current)
                        opened.arrivals.append(.now)
                        try await onEvent(current)
                        if current.event == "end" || opened.events.count >= limit { break reading }
                    }
                    current = ServerSentEvent(id: nil, event: "message", data: "")
                    hasData = false
                } else if line.hasPrefix(":") {
                    continue
                } else if line.hasPrefix("id: ") {
                    current.id = String(line.dropFirst(4))
                } else if line.hasPrefix("event: ") {
                    current.event = String(line.dropFirst(7))
                } else if line.hasPrefix("data: ") {
                    current.data += (hasData ? "\n" : "") + line.dropFirst(6)
                    hasData = true
                }
            }
        }
        return opened
    }
}
