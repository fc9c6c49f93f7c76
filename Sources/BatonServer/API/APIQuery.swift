import Hummingbird

/// A route's query parameters, checked: a name the route does not take, a value given twice,
/// or a value of the wrong shape is a 400 `bad-request` naming the parameter, so a typo
/// (`?pipline=`) is an error rather than a filter silently ignored.
struct APIQuery {
    private var values: [String: [String]] = [:]

    init(_ request: Request, allowed: Set<String>) throws(ServerError) {
        for (key, value) in request.uri.queryParameters {
            let name = String(key.removingPercentEncoding ?? String(key))
            if name.isEmpty { continue }
            guard allowed.contains(name) else {
                let takes = allowed.isEmpty ? "this route takes no query parameters" : "this route takes \(allowed.sorted().joined(separator: ", "))"
                throw .badRequest("unknown query parameter \"\(name.prefix(64))\": \(takes)")
            }
            values[name, default: []].append(String(value))
        }
    }

    /// The one value of `name`; nil when absent.
    func string(_ name: String) throws(ServerError) -> String? {
        guard let given = values[name] else { return nil }
        guard given.count == 1 else { throw .badRequest("the query parameter \(name) is given \(given.count) times; give it once") }
        return given[0]
    }

    /// A whole number, `fallback` when absent. Ranges are the operations' to check, so the
    /// CLI and the API refuse the same values with the same words.
    func integer(_ name: String, default fallback: Int) throws(ServerError) -> Int {
        guard let text = try string(name) else { return fallback }
        guard let value = Int(text) else { throw .badRequest("\(name) must be a whole number, not \"\(text.prefix(64))\"") }
        return value
    }

    /// A non-negative byte offset; nil when absent.
    func offset(_ name: String) throws(ServerError) -> UInt64? {
        guard let text = try string(name) else { return nil }
        guard let value = UInt64(text) else { throw .badRequest("\(name) must be a byte offset (0 or more), not \"\(text.prefix(64))\"") }
        return value
    }

    /// `true` or `false`, `fallback` when absent.
    func boolean(_ name: String, default fallback: Bool) throws(ServerError) -> Bool {
        guard let text = try string(name) else { return fallback }
        switch text {
        case "true": return true
        case "false": return false
        default: throw .badRequest("\(name) must be true or false, not \"\(text.prefix(64))\"")
        }
    }

    /// Every value of `name`, repeated (`?state=a&state=b`) or comma-separated (`?state=a,b`).
    func list(_ name: String) -> [String] {
        (values[name] ?? []).flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }
}
