import Dispatch
import Foundation

extension Array where Element: Sendable {
    /// `map` on every core, for work where each element is independent and costly enough
    /// (decoding a manifest, hashing a spec): a cold pass over ten thousand manifests is
    /// bound by exactly that. Short arrays are mapped in place, where threads cost more than
    /// they save. Order is kept.
    public func concurrentMap<T: Sendable>(minimumCount: Int = 256, _ transform: @Sendable (Element) -> T) -> [T] {
        let workers = Swift.min(ProcessInfo.processInfo.activeProcessorCount, 8)
        guard count >= minimumCount, workers > 1 else { return map(transform) }
        let results = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
        defer { results.deallocate() }
        nonisolated(unsafe) let output = results
        withoutActuallyEscaping(transform) { transform in
            self.withUnsafeBufferPointer { input in
                nonisolated(unsafe) let input = input
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    var index = worker
                    while index < input.count {
                        (output.baseAddress! + index).initialize(to: transform(input[index]))
                        index += workers
                    }
                }
            }
        }
        return Array<T>(unsafeUninitializedCapacity: count) { buffer, initialized in
            _ = buffer.moveInitialize(fromContentsOf: results)
            initialized = count
        }
    }
}
