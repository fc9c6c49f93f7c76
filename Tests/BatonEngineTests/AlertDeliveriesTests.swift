@testable import BatonEngine
import Foundation
import Synchronization
import Testing

/// Deliveries started detached are waited for by `drain`, up to its limit, and cut short
/// after it.
@Suite struct AlertDeliveriesTests {
    final class Flags: Sendable {
        let done = Mutex<[String]>([])
        func add(_ name: String) { done.withLock { $0.append(name) } }
        var all: [String] { done.withLock { $0 } }
    }

    @Test func drainWaitsForWhatIsInFlight() async {
        let deliveries = AlertDeliveries()
        let flags = Flags()
        for index in 0..<3 {
            deliveries.start {
                try? await Task.sleep(for: .milliseconds(200 + 100 * index))
                flags.add("delivered \(index)")
            }
        }
        #expect(deliveries.count == 3)
        let started = ContinuousClock.now
        let cut = await deliveries.drain(upTo: .seconds(60))
        #expect(cut == 0)
        #expect(flags.all.count == 3)
        #expect(deliveries.count == 0)
        // Generous: the tests beside this one can keep the process's threads busy for seconds.
        #expect(ContinuousClock.now - started < .seconds(30), "drain waited for its limit, not for the deliveries")
        // Nothing in flight: at once.
        #expect(await deliveries.drain(upTo: .seconds(20)) == 0)
    }

    @Test func drainCancelsWhatOutlivesItsLimit() async {
        let deliveries = AlertDeliveries()
        let flags = Flags()
        deliveries.start {
            do {
                try await Task.sleep(for: .seconds(60))
                flags.add("delivered")
            } catch {
                flags.add("cancelled")
            }
        }
        deliveries.start { flags.add("quick") }
        let started = ContinuousClock.now
        let cut = await deliveries.drain(upTo: .milliseconds(300))
        #expect(cut == 1)
        #expect(Set(flags.all) == ["quick", "cancelled"])
        #expect(ContinuousClock.now - started < .seconds(30), "drain waited for the 60 s delivery")
    }
}
