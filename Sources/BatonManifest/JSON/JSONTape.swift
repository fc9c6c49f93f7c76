/// A parsed JSON document as one flat array of nodes: the form validation reads.
///
/// A tree of `JSONValue`s costs a heap object per container and per long string, built and
/// then torn down again for every manifest; at tens of thousands of manifests a second that
/// was half of all the work. Here a document is its bytes plus one array of plain nodes in
/// document order (an object's members are its key and value nodes in sequence), strings are
/// decoded only when someone asks for them, and keys are compared as bytes.
public final class JSONTape: @unchecked Sendable {
    /// The JSON type of a node.
    public enum NodeType: UInt8, Sendable {
        case null, bool, number, string, array, object

        /// The name used in messages ("expected a string, found an array").
        public var typeName: String {
            switch self {
            case .null: "null"
            case .bool: "a boolean"
            case .number: "a number"
            case .string: "a string"
            case .array: "an array"
            case .object: "an object"
            }
        }
    }

    struct Node {
        var type: NodeType
        /// `hasEscapes` for strings, `isTrue` for booleans, `isInteger` for numbers;
        /// `isDuplicate` for a key whose member repeats an earlier key (skipped when iterating).
        var flags: UInt8
        /// First byte of the value (the quote of a string).
        var start: Int32
        /// One past its last byte.
        var end: Int32
        /// Members or elements of a container.
        var count: Int32
        /// Index one past this node's subtree: where its next sibling starts.
        var next: Int32
        var integer: Int64
        var double: Double

        static let hasEscapes: UInt8 = 1
        static let isTrue: UInt8 = 2
        static let isInteger: UInt8 = 4
        static let isDuplicate: UInt8 = 8
    }

    /// The document's bytes and nodes, owned as plain buffers: reads are pointer loads, with
    /// no reference counting or exclusivity checks (both showed up as a third of the cost when
    /// these were arrays in a class).
    let bytes: UnsafeMutableBufferPointer<UInt8>
    let nodes: UnsafeMutableBufferPointer<Node>
    /// Duplicate keys found while reading (reported, not fatal: the first occurrence counts).
    public let duplicateKeys: [JSONSyntaxError]

    init(bytes source: UnsafeBufferPointer<UInt8>, nodes source2: [Node], duplicateKeys: [JSONSyntaxError]) {
        bytes = .allocate(capacity: source.count)
        _ = bytes.initialize(from: source)
        nodes = .allocate(capacity: source2.count)
        _ = nodes.initialize(from: source2)
        self.duplicateKeys = duplicateKeys
    }

    deinit {
        bytes.deallocate()
        nodes.deallocate()
    }

    /// The root value.
    public var root: JSONNode { JSONNode(nodes: UnsafePointer(nodes.baseAddress!), bytes: UnsafePointer(bytes.baseAddress!), index: 0) }

    /// The decoded text of a string node.
    func string(at index: Int) -> String {
        Self.string(UnsafePointer(nodes.baseAddress!), UnsafePointer(bytes.baseAddress!), index)
    }

    static func string(_ nodes: UnsafePointer<Node>, _ bytes: UnsafePointer<UInt8>, _ index: Int) -> String {
        let node = nodes[index]
        let start = Int(node.start) + 1
        let end = Int(node.end) - 1
        if node.flags & Node.hasEscapes == 0 {
            return String(decoding: UnsafeBufferPointer(start: bytes + start, count: end - start), as: UTF8.self)
        }
        return JSONEscapes.decode(bytes, from: start, to: end)
    }

    /// Whether a string node's text is the literal `text`: compared by length, then bytes.
    static func stringEquals(_ nodes: UnsafePointer<Node>, _ bytes: UnsafePointer<UInt8>, _ index: Int, _ text: StaticString) -> Bool {
        let node = nodes[index]
        guard node.flags & Node.hasEscapes == 0 else { return string(nodes, bytes, index) == text.description }
        let length = Int(node.end - node.start) - 2
        guard length == text.utf8CodeUnitCount else { return false }
        let start = Int(node.start) + 1
        let wanted = text.utf8Start
        var i = 0
        while i < length {
            if bytes[start + i] != wanted[i] { return false }
            i += 1
        }
        return true
    }

    /// The whole document as a `JSONValue` tree, for code that wants to build or edit values.
    public func tree() -> JSONValue { tree(at: 0) }

    func tree(at index: Int) -> JSONValue {
        let node = nodes[index]
        let offset = Int(node.start)
        switch node.type {
        case .null: return JSONValue(.null, offset: offset)
        case .bool: return JSONValue(.bool(node.flags & Node.isTrue != 0), offset: offset)
        case .number: return JSONValue(.number(number(node)), offset: offset)
        case .string: return JSONValue(.string(string(at: index)), offset: offset)
        case .array:
            var elements: [JSONValue] = []
            elements.reserveCapacity(Int(node.count))
            var child = index + 1
            for _ in 0..<node.count {
                elements.append(tree(at: child))
                child = Int(nodes[child].next)
            }
            return JSONValue(.array(elements), offset: offset)
        case .object:
            var members: [JSONMember] = []
            members.reserveCapacity(Int(node.count))
            var key = index + 1
            for _ in 0..<node.count {
                let value = key + 1
                if nodes[key].flags & Node.isDuplicate == 0 {
                    members.append(JSONMember(key: string(at: key), keyOffset: Int(nodes[key].start), value: tree(at: value)))
                }
                key = Int(nodes[value].next)
            }
            return JSONValue(.object(members), offset: offset)
        }
    }

    func number(_ node: Node) -> JSONNumber {
        JSONNumber(double: node.double, integer: node.flags & Node.isInteger != 0 ? node.integer : nil)
    }
}

/// A handle to one node of a tape.
///
/// It holds raw pointers into the tape's buffers, so handles are plain values with no
/// reference counting, which is the point of the tape. A handle must not outlive the tape it
/// came from; the decoder keeps the tape alive for as long as it reads it.
public struct JSONNode {
    let nodes: UnsafePointer<JSONTape.Node>
    let bytes: UnsafePointer<UInt8>
    let index: Int

    public var type: JSONTape.NodeType { nodes[index].type }
    /// Byte offset of the value's first byte.
    public var offset: Int { Int(nodes[index].start) }

    public var string: String? { type == .string ? JSONTape.string(nodes, bytes, index) : nil }
    public var bool: Bool? { type == .bool ? nodes[index].flags & JSONTape.Node.isTrue != 0 : nil }
    public var number: JSONNumber? {
        guard type == .number else { return nil }
        let node = nodes[index]
        return JSONNumber(double: node.double, integer: node.flags & JSONTape.Node.isInteger != 0 ? node.integer : nil)
    }

    /// Elements of an array, `nil` for anything else.
    public var elements: [JSONNode]? {
        guard type == .array else { return nil }
        let count = Int(nodes[index].count)
        var result: [JSONNode] = []
        result.reserveCapacity(count)
        var child = index + 1
        for _ in 0..<count {
            result.append(JSONNode(nodes: nodes, bytes: bytes, index: child))
            child = Int(nodes[child].next)
        }
        return result
    }

    /// Members of an object in file order (repeated keys after the first are left out),
    /// `nil` for anything else. A sequence over the tape: walking it allocates nothing.
    public var members: JSONNodeMembers? {
        guard type == .object else { return nil }
        return JSONNodeMembers(nodes: nodes, bytes: bytes, object: index)
    }

    /// The type name used in messages ("expected a string, found an array").
    public var typeName: String { type.typeName }
}

/// The members of one object, read straight off the tape.
public struct JSONNodeMembers: Sequence {
    let nodes: UnsafePointer<JSONTape.Node>
    let bytes: UnsafePointer<UInt8>
    let object: Int

    public struct Iterator: IteratorProtocol {
        let nodes: UnsafePointer<JSONTape.Node>
        let bytes: UnsafePointer<UInt8>
        var key: Int
        var remaining: Int

        public mutating func next() -> JSONNodeMember? {
            while remaining > 0 {
                remaining -= 1
                let key = self.key
                let value = key + 1
                self.key = Int(nodes[value].next)
                if nodes[key].flags & JSONTape.Node.isDuplicate == 0 {
                    return JSONNodeMember(keyNode: JSONNode(nodes: nodes, bytes: bytes, index: key), value: JSONNode(nodes: nodes, bytes: bytes, index: value))
                }
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(nodes: nodes, bytes: bytes, key: object + 1, remaining: Int(nodes[object].count))
    }
}

/// One `"key": value` pair, as handles.
public struct JSONNodeMember {
    let keyNode: JSONNode
    public let value: JSONNode

    /// The key's text (decoded on each access: use `keyIs` to compare).
    public var key: String { JSONTape.string(keyNode.nodes, keyNode.bytes, keyNode.index) }
    /// Byte offset of the key's opening quote.
    public var keyOffset: Int { keyNode.offset }
    /// Whether the key is the literal `name`: the decoder's hot path, with no string copies.
    public func keyIs(_ name: StaticString) -> Bool { JSONTape.stringEquals(keyNode.nodes, keyNode.bytes, keyNode.index, name) }
}

/// Decoding of JSON string escapes that the reader has already checked.
enum JSONEscapes {
    static func decode(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var i = start
        func hex(_ at: Int) -> UInt32 {
            var value: UInt32 = 0
            for k in 0..<4 {
                let b = bytes[at + k]
                let digit: UInt32 = b <= 0x39 ? UInt32(b - 0x30) : UInt32((b | 0x20) - 0x61 + 10)
                value = value << 4 | digit
            }
            return value
        }
        while i < end {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                i += 1
                continue
            }
            let kind = bytes[i + 1]
            i += 2
            switch kind {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex(i)
                i += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    let low = hex(i + 2)
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
            default: out.append(kind)  // " \ /
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
