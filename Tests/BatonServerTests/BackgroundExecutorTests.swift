@testable import BatonServer
@testable import BatonStore
import BatonTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The server's reads run below the daemon's priority, and only its reads.
@Suite struct BackgroundExecutorTests {
    static func niceness() -> Int32 {
        errno = 0
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
    }

    @Test func workPreferringItRunsTenStepsNicer() async {
        let base = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let executor = BackgroundExecutor(threads: 1, niceness: 10)
        let inside = await withTaskExecutorPreference(executor) { Self.niceness() }
        #expect(inside == min(19, base + 10))
        // Structured children keep the preference, and so the priority.
        let children = await withTaskExecutorPreference(executor) {
            await withTaskGroup(of: Int32.self) { group in
                for _ in 0..<4 { group.addTask { Self.niceness() } }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(children == Array(repeating: min(19, base + 10), count: 4))
        #expect(Self.niceness() == base, "the caller's own thread is untouched")
    }

    /// The store reads in place on the pool's threads, at their priority, and on GRDB's own
    /// threads (the daemon's priority) everywhere else.
    @Test func storeReadsFromThePoolRunOnItsThreads() async throws {
        let temp = try TemporaryDirectory()
        let store = try SQLiteStore(stateDirectory: temp.sub("state"))
        let base = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let executor = BackgroundExecutor(threads: 1, niceness: 10)
        let inside = try await withTaskExecutorPreference(executor) { try await store.read { _ in Self.niceness() } }
        #expect(inside == min(19, base + 10))
        let outside = try await store.read { _ in Self.niceness() }
        // GRDB's queue threads run at their dispatch priority (nice -2 here), never the pool's.
        #expect(outside <= base)
        #expect(try await withTaskExecutorPreference(executor) { try await store.changeCount() } == (try await store.changeCount()))
    }

    /// The server's sockets are served as nicely as its reads.
    @Test func theServersEventLoopRunsTenStepsNicer() async throws {
        let base = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let loop = BackgroundExecutor.eventLoops.next()
        #expect(try await loop.submit { Self.niceness() }.get() == min(19, base + 10))
    }
}
