import BatonServer
import Testing

@Suite struct ConstantTimeTests {
    @Test func equalBytesAreEqual() {
        #expect(ConstantTime.equal([UInt8](), [UInt8]()))
        #expect(ConstantTime.equal([1, 2, 3] as [UInt8], [1, 2, 3] as [UInt8]))
        #expect(ConstantTime.equal(Array("secret".utf8), Array("secret".utf8)))
    }

    @Test func aDifferenceAnywhereIsFound() {
        let base: [UInt8] = Array(repeating: 7, count: 32)
        for index in base.indices {
            var other = base
            other[index] ^= 0x01
            #expect(!ConstantTime.equal(base, other), "byte \(index)")
        }
    }

    @Test func differentLengthsAreNeverEqual() {
        #expect(!ConstantTime.equal([1, 2, 3] as [UInt8], [1, 2] as [UInt8]))
        #expect(!ConstantTime.equal([1, 2] as [UInt8], [1, 2, 3] as [UInt8]))
        // A prefix padded with zeros is not the same value either.
        #expect(!ConstantTime.equal([1, 2, 0] as [UInt8], [1, 2] as [UInt8]))
        #expect(!ConstantTime.equal([UInt8](), [0] as [UInt8]))
    }
}
