import Foundation

/// The opaque paging cursor of the runs list: the id the next page starts below, versioned
/// and base64url-encoded so clients pass it back as they got it and never build one.
enum RunCursor {
    static func make(before id: Int64) -> String {
        Data("r1:\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func id(_ cursor: String) throws(OperationError) -> Int64 {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard cursor.count <= 64, let data = Data(base64Encoded: base64),
              let text = String(data: data, encoding: .utf8), text.hasPrefix("r1:"),
              let id = Int64(text.dropFirst(3)), id > 0
        else {
            throw OperationError(.badCursor, "the cursor \"\(cursor.prefix(64))\" is not one this Baton handed out; start from the first page")
        }
        return id
    }
}
