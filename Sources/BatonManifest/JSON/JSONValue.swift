/// A JSON value that remembers where it stood in its file.
///
/// Manifests are read into this tree rather than straight into `Codable` types because every
/// problem must be reported at its line and column, every problem (not only the first), and
/// duplicate keys must be caught, none of which `JSONDecoder` can do. Positions are byte
/// offsets; line and column are worked out only when a diagnostic needs them.
public struct JSONValue: Sendable, Hashable {
    /// What the value is.
    public enum Kind: Sendable, Hashable {
        case null
        case bool(Bool)
        case number(JSONNumber)
        case string(String)
        case array([JSONValue])
        case object([JSONMember])
    }

    public var kind: Kind
    /// Byte offset of the value's first byte (the opening quote of a string, `{` of an object).
    public var offset: Int

    public init(_ kind: Kind, offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    /// The JSON type name used in messages ("expected a string, found an array").
    public var typeName: String {
        switch kind {
        case .null: JSONTape.NodeType.null.typeName
        case .bool: JSONTape.NodeType.bool.typeName
        case .number: JSONTape.NodeType.number.typeName
        case .string: JSONTape.NodeType.string.typeName
        case .array: JSONTape.NodeType.array.typeName
        case .object: JSONTape.NodeType.object.typeName
        }
    }

    public var stringValue: String? {
        if case .string(let s) = kind { return s }
        return nil
    }

    public var members: [JSONMember]? {
        if case .object(let m) = kind { return m }
        return nil
    }

    public var elements: [JSONValue]? {
        if case .array(let e) = kind { return e }
        return nil
    }
}

/// One `"key": value` pair of an object, in file order (order matters for messages and for
/// keeping a person's layout when Baton prints a manifest back).
public struct JSONMember: Sendable, Hashable {
    public var key: String
    /// Byte offset of the key's opening quote: unknown-field errors point here.
    public var keyOffset: Int
    public var value: JSONValue

    public init(key: String, keyOffset: Int, value: JSONValue) {
        self.key = key
        self.keyOffset = keyOffset
        self.value = value
    }
}

/// A JSON number, kept both as a double and, when it has no fractional part and fits, as an
/// integer, so that `"retries": 3` and `"retries": 3.0` are the same integer (as JSON Schema
/// says) while `3.5` is refused where a count is expected.
public struct JSONNumber: Sendable, Hashable {
    public var double: Double
    public var integer: Int64?

    public init(double: Double, integer: Int64?) {
        self.double = double
        self.integer = integer
    }
}
