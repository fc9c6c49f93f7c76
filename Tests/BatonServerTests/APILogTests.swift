import BatonOperations
import BatonServer
import Foundation
import Testing

/// An attempt's log over HTTP: whole, from an offset, or one `Range`; the headers that say
/// how far it got and whether it is complete.
@Suite struct APILogTests {
    /// A finished run of `params` (two lines of output) and its log's whole text.
    static func finishedLog(_ server: ServerHarness) async throws -> (path: String, text: String) {
        let run = try await server.trigger("params")
        _ = try await server.waitForRun(run.id)
        let path = "/runs/\(run.id)/tasks/show/attempts/1/log"
        let whole = try await server.call(path, token: ServerHarness.readToken)
        #expect(whole.status == 200)
        return (path, whole.body)
    }

    @Test func theWholeLogWithHeadersSayingItIsComplete() async throws {
        let server = try await APIFixture.server()
        let (path, text) = try await Self.finishedLog(server)
        let reply = try await server.call(path, token: ServerHarness.readToken)
        #expect(reply.header("content-type") == "text/plain; charset=utf-8")
        #expect(reply.header("accept-ranges") == "bytes")
        #expect(reply.header("baton-log-complete") == "true")
        #expect(reply.header("baton-attempt-state") == "succeeded")
        #expect(reply.header("baton-log-size") == String(text.utf8.count))
        #expect(reply.header("baton-log-next-offset") == String(text.utf8.count))
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasSuffix(" stdout region=us"))
        #expect(lines[1].hasSuffix(" stdout second line"))
        await server.stop()
    }

    @Test func rangesGiveExactlyTheBytesAskedFor() async throws {
        let server = try await APIFixture.server()
        let (path, text) = try await Self.finishedLog(server)
        let bytes = Array(text.utf8)
        let size = bytes.count

        let first = try await server.call(path, headers: [("Range", "bytes=0-4")])
        #expect(first.status == 206)
        #expect(first.header("content-range") == "bytes 0-4/\(size)")
        #expect(Array(first.body.utf8) == Array(bytes[0...4]))
        #expect(first.header("baton-log-next-offset") == "5")
        #expect(first.header("baton-log-complete") == "false")

        let rest = try await server.call(path, headers: [("Range", "bytes=5-")])
        #expect(rest.status == 206)
        #expect(rest.header("content-range") == "bytes 5-\(size - 1)/\(size)")
        #expect(Array(rest.body.utf8) == Array(bytes[5...]))
        #expect(rest.header("baton-log-complete") == "true")

        let tail = try await server.call(path, headers: [("Range", "bytes=-3")])
        #expect(tail.status == 206)
        #expect(Array(tail.body.utf8) == Array(bytes[(size - 3)...]))

        // A last byte past the end is cut to the end.
        let over = try await server.call(path, headers: [("Range", "bytes=2-100000")])
        #expect(over.status == 206)
        #expect(over.header("content-range") == "bytes 2-\(size - 1)/\(size)")

        for unsatisfiable in ["bytes=\(size)-", "bytes=\(size + 10)-\(size + 20)", "bytes=-0", "bytes=4-2", "bytes=0-1,3-4"] {
            let reply = try await server.call(path, headers: [("Range", unsatisfiable)])
            #expect(reply.status == 416, "\(unsatisfiable)")
            #expect(reply.errorCode == "range-not-satisfiable", "\(unsatisfiable)")
        }
        let past = try await server.call(path, headers: [("Range", "bytes=\(size)-")])
        #expect(past.header("content-range") == "bytes */\(size)")

        // Another unit is ignored, as RFC 9110 asks: the whole log.
        let items = try await server.call(path, headers: [("Range", "items=0-1")])
        #expect(items.status == 200)
        #expect(items.body == text)
        await server.stop()
    }

    @Test func anOffsetReadsOnFromWhereTheLastReadStopped() async throws {
        let server = try await APIFixture.server()
        let (path, text) = try await Self.finishedLog(server)
        let size = text.utf8.count
        let newline = try #require(text.utf8.firstIndex(of: UInt8(ascii: "\n")))
        let second = text.utf8.distance(from: text.utf8.startIndex, to: newline) + 1

        let rest = try await server.call("\(path)?offset=\(second)")
        #expect(rest.status == 200)
        #expect(rest.body == String(text[newline...].dropFirst()))
        #expect(rest.header("content-range") == nil)
        #expect(rest.header("baton-log-next-offset") == String(size))

        let atEnd = try await server.call("\(path)?offset=\(size)")
        #expect(atEnd.status == 200)
        #expect(atEnd.body.isEmpty)
        #expect(atEnd.header("baton-log-complete") == "true")

        let beyond = try await server.call("\(path)?offset=\(size + 1)")
        #expect(beyond.status == 416)
        #expect(beyond.errorCode == "range-not-satisfiable")
        await server.stop()
    }

    @Test func aRunningAttemptsLogIsNotComplete() async throws {
        let server = try await APIFixture.server()
        let run = try await server.trigger("slow")
        _ = try await server.waitForRun(run.id) { $0.tasks.first?.state == .running }
        let path = "/runs/\(run.id)/tasks/wait/attempts/1/log"
        // The task prints before it sleeps; wait for the line to reach the log.
        var reply = try await server.call(path)
        let deadline = ContinuousClock.now + .seconds(10)
        while !reply.body.contains("waiting"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            reply = try await server.call(path)
        }
        #expect(reply.status == 200)
        #expect(reply.body.hasSuffix(" stdout waiting\n"))
        #expect(reply.header("baton-attempt-state") == "running")
        #expect(reply.header("baton-log-complete") == "false")
        _ = try await server.api(CancelResult.self, "POST", "/runs/\(run.id)/cancel", status: 202)
        _ = try await server.waitForRun(run.id)
        await server.stop()
    }
}
