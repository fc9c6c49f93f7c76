import Hummingbird

/// The parameters of the API's paths, checked: a run id or an attempt number that is not a
/// number is a 400 naming it, before any lookup (an unknown one is the operation's 404).
extension BatonRequestContext {
    func text(_ name: String) throws(ServerError) -> String {
        guard let value = parameters.get(name) else { throw .badRequest("the path has no \(name)") }
        return value.removingPercentEncoding ?? value
    }

    /// A run id: a positive whole number.
    func runID(_ name: String = "id") throws(ServerError) -> Int64 {
        let value = try text(name)
        guard let id = Int64(value), id > 0 else { throw .badRequest("the run id must be a positive whole number, not \"\(value.prefix(64))\"") }
        return id
    }

    /// An attempt number: 1, 2, … (0 for a result a retry kept).
    func attemptNumber(_ name: String = "attempt") throws(ServerError) -> Int {
        let value = try text(name)
        guard let number = Int(value), number >= 0 else { throw .badRequest("the attempt number must be a whole number (0 or more), not \"\(value.prefix(64))\"") }
        return number
    }
}
