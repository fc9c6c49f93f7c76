import BatonManifest
import Foundation

/// The one JSON form of every result: camelCase keys as the types name them, sorted so a
/// document is stable, and instants as RFC 3339 in UTC (`2026-03-08T06:30:00Z`, a fraction
/// only for instants that are not whole seconds), as the CLI's `--json` writes them.
/// Optional fields that are nil are left out.
public enum OperationJSON {
    /// A new encoder with Baton's settings (JSONEncoder is not Sendable, so each caller
    /// gets its own).
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.utcString(date))
        }
        return encoder
    }

    /// The matching decoder, for clients and tests.
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.instant(from: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not an RFC 3339 instant")
            }
            return date
        }
        return decoder
    }
}
