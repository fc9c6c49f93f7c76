@testable import BatonDaemon
import Testing

/// The reconcile loop's timing: the interval with ±5 % jitter, doubling per failed pass up
/// to ten intervals.
@Suite struct ReconcileLoopTests {
    @Test(arguments: [(0, 60.0), (1, 120.0), (2, 240.0), (3, 480.0), (4, 600.0), (9, 600.0)])
    func theDelayDoublesPerFailureUpToTenIntervals(failures: Int, expected: Double) {
        #expect(ReconcileLoop.delay(interval: 60, failures: failures, jitter: 0) == expected)
    }

    @Test func jitterStaysWithinFivePercent() {
        #expect(ReconcileLoop.delay(interval: 60, failures: 0, jitter: 1) == 63)
        #expect(ReconcileLoop.delay(interval: 60, failures: 0, jitter: -1) == 57)
    }
}
