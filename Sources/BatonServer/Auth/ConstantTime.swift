/// Comparisons whose time does not depend on where two secrets differ, so a client timing
/// answers cannot learn a token or a webhook secret byte by byte.
public enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes. Looks at every byte of the longer one whatever
    /// the contents; only the lengths (not secret here: hashes and MACs have fixed lengths)
    /// can shorten nothing.
    public static func equal(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        let left = Array(a)
        let right = Array(b)
        let length = max(left.count, right.count)
        var difference: UInt8 = left.count == right.count ? 0 : 1
        for index in 0..<length {
            let x = index < left.count ? left[index] : 0
            let y = index < right.count ? right[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
