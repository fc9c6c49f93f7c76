import BatonOperations
import HTTPTypes
import Hummingbird

/// `GET /api/v1/runs/{id}/tasks/{task}/attempts/{n}/log`: an attempt's log as the executor
/// wrote it (`TIME STREAM TEXT` lines), as `text/plain`.
///
/// The whole log (200), from `?offset=N` (200: what a client tailing the log asks for
/// next), or one `Range` (206 with `Content-Range`; 416 when it selects nothing). The body
/// is exactly the bytes asked for, up to the log's size when the request arrived, streamed
/// in pieces so a large log is never held in memory whole. Headers say how far it got and
/// whether there is more to come:
///
/// - `Baton-Log-Size`: the log's size when read;
/// - `Baton-Log-Next-Offset`: where the next read starts (the end of this body);
/// - `Baton-Attempt-State`: the attempt's state (`running`, `succeeded`, …);
/// - `Baton-Log-Complete`: `true` once the attempt has ended and this body reaches the end
///   of its log: the log grows no more.
struct LogRoutes {
    let environment: ServerEnvironment

    /// The largest piece read at once while streaming.
    static let piece: UInt64 = 1 << 20

    func register(on api: RouterGroup<BatonRequestContext>) {
        let operations = environment.operations
        api.get("runs/:id/tasks/:task/attempts/:attempt/log") { request, context in
            let query = try APIQuery(request, allowed: ["offset"])
            let id = try context.runID()
            let task = try context.text("task")
            let number = try context.attemptNumber()
            let offset = try query.offset("offset")
            let range = try Self.range(request.headers[.range])
            if offset != nil, range != nil {
                throw ServerError.badRequest("give either ?offset= or a Range header, not both")
            }
            // What the attempt is and how long its log is now; the body stops there.
            let probe = try await operation { () async throws(OperationError) in
                try await operations.log(LogRequest(run: id, task: task, attempt: number, offset: 0, limit: 1))
            }
            let size = probe.size
            let selected: Range<UInt64>
            var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8", .acceptRanges: "bytes", .cacheControl: "no-store"]
            if let range {
                guard let resolved = range.resolve(size: size) else {
                    throw ServerError.rangeNotSatisfiable("the range \(request.headers[.range] ?? "") selects nothing of a log of \(size) bytes", size: size)
                }
                selected = resolved
                headers[.contentRange] = "bytes \(resolved.lowerBound)-\(resolved.upperBound - 1)/\(size)"
            } else {
                let start = offset ?? 0
                guard start <= size else {
                    throw ServerError.rangeNotSatisfiable("offset \(start) is past the end of the log (\(size) bytes)", size: size)
                }
                selected = start..<size
            }
            headers[Self.sizeHeader] = String(size)
            headers[Self.nextOffsetHeader] = String(selected.upperBound)
            headers[Self.stateHeader] = probe.state.rawValue
            headers[Self.completeHeader] = probe.ended && selected.upperBound >= size ? "true" : "false"
            let request = LogRequest(run: id, task: task, attempt: number)
            let body = ResponseBody(contentLength: Int(selected.count)) { writer in
                try await Self.stream(selected, of: request, operations: operations, to: &writer)
                try await writer.finish(nil)
            }
            return Response(status: range == nil ? .ok : .partialContent, headers: headers, body: body)
        }
    }

    static let sizeHeader = HTTPField.Name("Baton-Log-Size")!
    static let nextOffsetHeader = HTTPField.Name("Baton-Log-Next-Offset")!
    static let stateHeader = HTTPField.Name("Baton-Attempt-State")!
    static let completeHeader = HTTPField.Name("Baton-Log-Complete")!

    /// The `Range` header: nil when absent or in a unit other than bytes (ignored, as RFC 9110
    /// asks); 400 when malformed; 416 for several ranges or one that ends before it starts.
    static func range(_ header: String?) throws(ServerError) -> ByteRange? {
        guard let header else { return nil }
        do { return try ByteRange.parse(header) } catch {
            switch error {
            case .otherUnit: return nil
            case .several: throw ServerError(.rangeNotSatisfiable, .rangeNotSatisfiable, "one range at a time: \"\(header.prefix(64))\" asks for several")
            case .inverted: throw ServerError(.rangeNotSatisfiable, .rangeNotSatisfiable, "the range \"\(header.prefix(64))\" ends before it starts")
            case .malformed: throw .badRequest("Range must be bytes=FIRST-LAST, bytes=FIRST- or bytes=-COUNT, not \"\(header.prefix(64))\"")
            }
        }
    }

    /// Writes exactly the bytes `range` of the log. The operation hands out pieces that end
    /// at a line end; asking for at least 4 bytes always moves forward (it keeps at least one
    /// byte of a piece it trims), and a piece longer than what is left is cut here.
    static func stream(_ range: Range<UInt64>, of request: LogRequest, operations: Operations, to writer: inout any ResponseBodyWriter) async throws {
        var next = range.lowerBound
        while next < range.upperBound {
            let left = range.upperBound - next
            var piece = request
            piece.offset = next
            piece.limit = Int(min(max(left, 4), Self.piece))
            let chunk = try await operations.log(piece)
            let bytes = chunk.bytes.prefix(Int(min(left, UInt64(chunk.bytes.count))))
            guard !bytes.isEmpty else { throw LogShrank(offset: next) }
            try await writer.write(ByteBuffer(bytes: bytes))
            next += UInt64(bytes.count)
        }
    }

    /// The log ended before the size it had when the request arrived (it was removed): the
    /// response is cut short, which the client sees as a body shorter than its length.
    struct LogShrank: Error {
        var offset: UInt64
    }
}
