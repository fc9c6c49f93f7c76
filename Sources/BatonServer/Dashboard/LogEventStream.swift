import BatonOperations
import Foundation
import Hummingbird
import ServiceLifecycle

/// One attempt's log as Server-Sent Events, for the run page's live panels.
///
/// Each whole line is one `message` event whose `id:` is the byte offset just after it, so a
/// browser that reconnects (EventSource sends `Last-Event-ID`) continues exactly where it
/// stopped, neither repeating nor skipping a line. While the attempt runs the stream reads
/// the log file again every `interval` (the executor offers no event for "a line was
/// written", and a stat plus a short read is cheap); a line still being written waits until
/// its newline. Once the attempt has ended and everything is sent, one `end` event (its data
/// the attempt's state) closes the stream. Comments keep idle connections open through
/// proxies, and the first write that fails (the browser went away) ends the loop, as does the
/// daemon's graceful stop.
struct LogEventStream: Sendable {
    let operations: Operations
    let run: Int64
    let task: String
    let attempt: Int
    let interval: Duration
    let heartbeat: Duration

    /// Reads at most this much per event batch.
    static let readLimit = 256 * 1024

    /// The first piece of the log, read before the response starts so a wrong run, task,
    /// attempt or offset is an error page (404, 400) and not an empty stream.
    func first(from offset: UInt64) async throws -> LogChunk {
        try await operations.log(LogRequest(run: run, task: task, attempt: attempt, offset: offset, limit: Self.readLimit))
    }

    func response(startingWith first: LogChunk) -> Response {
        let stream = self
        let body = ResponseBody { writer in
            try await stream.write(first, to: &writer)
        }
        return Response(status: .ok, headers: [
            .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store", HTTPFields.Element.Name("X-Accel-Buffering")!: "no",
        ], body: body)
    }

    private func write(_ first: LogChunk, to writer: inout any ResponseBodyWriter) async throws {
        // `retry` sets the browser's reconnect delay; the comment flushes the headers at once.
        try await writer.write(ByteBuffer(string: ": baton log \(run)/\(task)/\(attempt)\nretry: 2000\n\n"))
        var chunk = first
        var lastWrite = ContinuousClock.now
        while true {
            let (events, consumed) = Self.events(chunk)
            if !events.isEmpty {
                try await writer.write(ByteBuffer(string: events))
                lastWrite = .now
            }
            let offset = chunk.offset + consumed
            if chunk.ended && offset >= chunk.size {
                try await writer.write(ByteBuffer(string: "event: end\ndata: \(chunk.state)\n\n"))
                break
            }
            // More already written than one read takes: read on at once.
            if offset >= chunk.size || consumed == 0 {
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                if ContinuousClock.now - lastWrite >= heartbeat {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    lastWrite = .now
                }
                try await Task.sleep(for: interval)
                if Task.isShuttingDownGracefully { break }
            }
            do {
                chunk = try await operations.log(LogRequest(run: run, task: task, attempt: attempt, offset: offset, limit: Self.readLimit))
            } catch {
                // The run vanished or the store failed: say so to the page's console, and stop.
                try await writer.write(ByteBuffer(string: "event: error\ndata: \(error.code.rawValue)\n\n"))
                break
            }
        }
        try await writer.finish(nil)
    }

    /// The events for the whole lines of a chunk (all of it once the attempt has ended),
    /// and how many bytes they cover.
    static func events(_ chunk: LogChunk) -> (String, UInt64) {
        let bytes = chunk.bytes
        var cut = bytes.count
        if !chunk.ended {
            if let newline = bytes.lastIndex(of: UInt8(ascii: "\n")) {
                cut = newline + 1
            } else if bytes.count < readLimit {
                cut = 0  // a line still being written
            }
        }
        var out = ""
        var start = 0
        var position = chunk.offset
        while start < cut {
            let end = bytes[start..<cut].firstIndex(of: UInt8(ascii: "\n")) ?? cut
            let next = min(end + 1, cut)
            position += UInt64(next - start)
            let line = LogLineText.display(Substring(String(decoding: bytes[start..<end], as: UTF8.self)))
            out += "id: \(position)\ndata: \(line)\n\n"
            start = next
        }
        return (out, UInt64(cut))
    }
}
