import BatonDaemon
import BatonServer
import BatonStore
import Foundation
import Testing

/// How the server lives inside the daemon: it listens once recovery is done, reaches the
/// daemon through `DaemonHandle`, and a server that cannot listen stops the daemon with a
/// clear error.
@Suite struct DaemonWiringTests {
    @Test func anAddressInUseStopsTheDaemonWithAClearError() async throws {
        let first = try await ServerHarness()
        do {
            let second = try await ServerHarness(port: first.address.port)
            await second.stop()
            Issue.record("a second server listened on \(first.address)")
        } catch let error as DaemonError {
            #expect(error.code == .companionFailed)
            #expect(error.message.contains("cannot listen on 127.0.0.1:\(first.address.port): address already in use"))
            #expect(error.message.contains("http-bind-failed"))
        }
        await first.stop()
    }

    @Test func reconcileNowWaitsForAPassThatSawTheNewCommit() async throws {
        let server = try await ServerHarness()
        try server.repository.write("manifests/later.json", ServerHarness.manifest("later"))
        let commit = try server.repository.commit("later")
        guard case .reconciled(let report) = try await server.handle.reconcileNow() else {
            Issue.record("the pass failed")
            return
        }
        #expect(report.commit.id == commit)
        #expect(server.handle.reconcileFacts.passes == 2)
        #expect(server.handle.reconcileFacts.requests == 1)
        await server.stop()
    }

    @Test func theHandleDescribesTheDaemon() async throws {
        let server = try await ServerHarness()
        #expect(server.handle.stateDirectory == server.state)
        #expect(server.handle.source.url == server.repository.path)
        #expect(server.handle.interval == 3600)
        let facts = server.handle.reconcileFacts
        #expect(facts.passes == 1)
        #expect(facts.lastSuccessAt != nil)
        #expect(facts.failingSince == nil)
        await server.stop()
    }

    @Test func aWaiterIsReleasedWhenTheDaemonStops() async throws {
        let server = try await ServerHarness()
        let passes = server.handle.reconcileFacts.passes
        // Nobody asks for a pass and the interval is an hour: only the stop ends this wait.
        async let waiting: Void = {
            do throws(DaemonError) {
                _ = try await server.handle.pass(after: passes)
                Issue.record("a pass ran")
            } catch {
                #expect(error.code == .notRunning)
            }
        }()
        try await server.stop().get()
        await waiting
    }

    @Test func addressesParse() throws {
        #expect(try HTTPAddress(parsing: "127.0.0.1:8470") == HTTPAddress(host: "127.0.0.1", port: 8470))
        #expect(try HTTPAddress(parsing: "[::1]:0") == HTTPAddress(host: "::1", port: 0))
        #expect(try HTTPAddress(parsing: "localhost:80").description == "localhost:80")
        #expect(HTTPAddress(host: "::1", port: 9).description == "[::1]:9")
        for bad in ["8470", ":8470", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:x", "::1:80", "[::1]80"] {
            #expect(throws: HTTPServerError.self, "\(bad)") { try HTTPAddress(parsing: bad) }
        }
    }
}
