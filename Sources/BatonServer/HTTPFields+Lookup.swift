import Hummingbird

extension HTTPFields {
    /// The first value of the header `name` (any case), for the forges' `X-` headers that
    /// have no predefined name.
    func value(named name: String) -> String? {
        let wanted = name.lowercased()
        return first { $0.name.canonicalName == wanted }?.value
    }
}
