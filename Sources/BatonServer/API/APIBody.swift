import Foundation
import Hummingbird

/// A write's JSON body, read strictly: a body must be a JSON object sent as
/// `application/json`, and a field the route does not know is refused (400 naming it)
/// rather than ignored, so `{"reasn": "…"}` does not suspend a pipeline without its reason.
/// An empty body is an empty object: every write's fields are optional.
struct APIBody {
    private let fields: [String: Any]

    static func read(_ request: Request, allowed: Set<String>) async throws -> APIBody {
        var request = request
        let buffer = try await request.collectBody(upTo: ServerLimits.maxBodyBytes)
        let bytes = Data(buffer.readableBytesView)
        if bytes.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { return APIBody(fields: [:]) }
        let type = request.headers[.contentType] ?? ""
        let mediaType = type.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard mediaType == "application/json" else {
            throw ServerError.badRequest(type.isEmpty
                ? "the request body needs the header Content-Type: application/json"
                : "Content-Type must be application/json, not \"\(type.prefix(64))\"")
        }
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed]) } catch {
            throw ServerError.badRequest("the request body is not valid JSON")
        }
        guard let object = parsed as? [String: Any] else {
            throw ServerError.badRequest("the request body must be a JSON object")
        }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            let takes = allowed.isEmpty ? "this route takes no fields" : "this route takes \(allowed.sorted().joined(separator: ", "))"
            throw ServerError.badRequest("unknown field \"\(unknown.prefix(64))\" in the request body: \(takes)")
        }
        return APIBody(fields: object)
    }

    /// A string field; nil when absent.
    func string(_ name: String, maxLength: Int) throws(ServerError) -> String? {
        guard let value = fields[name] else { return nil }
        guard let text = value as? String else { throw .badRequest("\(name) must be a string") }
        guard text.count <= maxLength else { throw .badRequest("\(name) must be at most \(maxLength) characters, not \(text.count)") }
        return text
    }

    /// An object of string values (`{"region": "eu"}`); empty when absent.
    func strings(_ name: String) throws(ServerError) -> [String: String] {
        guard let value = fields[name] else { return [:] }
        guard let object = value as? [String: Any] else { throw .badRequest("\(name) must be an object of strings") }
        var result: [String: String] = [:]
        for (key, item) in object {
            guard let text = item as? String else { throw .badRequest("\(name).\(key.prefix(64)) must be a string") }
            result[key] = text
        }
        return result
    }
}
