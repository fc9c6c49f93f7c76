import CGit2
import Foundation

/// Blob sizes read straight from a repository's pack files, without libgit2.
///
/// Why: a manifest snapshot refuses blobs over 1 MiB before reading them, so every blob's
/// size is needed first. `git_odb_read_header` answers that for a deltified object by
/// inflating the whole delta and then walking the delta chain back to its base, header by
/// header, taking libgit2's pack-window mutex at every link. On a real pack (nearly every
/// blob a delta, chains tens of links deep) that cost more than reading the blobs. The size
/// of a delta's result is the second number at the start of its inflated data, so reading
/// the first few bytes of one zlib stream is enough, and no chain needs walking.
///
/// Only what is cheap and certain is answered here: `size(of:)` returns nil whenever an id is
/// not in a pack this probe could validate (loose objects, alternates, a pack replaced under
/// us, an index version other than 2), when the entry is not a blob or a delta, or when its
/// zlib stream cannot be decoded; the caller then asks libgit2. A wrong answer is not possible short of
/// a corrupt pack, and libgit2 checks the size again when it reads the blob.
struct PackSizeProbe: Sendable {
    private let packs: [Pack]

    /// Loads every `pack-*.idx` in `objectsDirectory/pack` that has its `.pack` beside it and
    /// agrees with it (signature, version, object count, checksum); anything else is skipped.
    init(objectsDirectory: String) {
        let directory = objectsDirectory.hasSuffix("/") ? objectsDirectory + "pack" : objectsDirectory + "/pack"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        packs = names.filter { $0.hasSuffix(".idx") }.sorted().compactMap { name in
            let base = directory + "/" + name.dropLast(4)
            return Pack(indexPath: base + ".idx", packPath: base + ".pack")
        }
    }

    /// How many packs were loaded (for tests).
    var packCount: Int { packs.count }

    /// The size of the blob `id`, or nil when libgit2 should be asked (see the type's notes).
    func size(of id: git_oid) -> Int? {
        for pack in packs {
            if let offset = pack.offset(of: id) { return pack.blobSize(at: offset) }
        }
        return nil
    }
}

/// One validated pack and its version-2 index, both memory-mapped.
///
/// Index layout (all big-endian): magic `\377tOc`, version 2, 256 cumulative counts by first
/// byte (the fanout), the sorted 20-byte ids, one CRC-32 per object, one 4-byte offset per
/// object (high bit set: an index into the table of 8-byte offsets that follows), then the
/// pack's checksum and the index's own.
private struct Pack: Sendable {
    let index: Data
    let pack: Data
    let count: Int

    init?(indexPath: String, packPath: String) {
        guard let index = try? Data(contentsOf: URL(fileURLWithPath: indexPath), options: .alwaysMapped),
              let pack = try? Data(contentsOf: URL(fileURLWithPath: packPath), options: .alwaysMapped),
              index.count >= 8 + 1024 + 40, pack.count >= 12 + 20
        else { return nil }
        let valid: Int? = index.withUnsafeBytes { idx -> Int? in
            pack.withUnsafeBytes { pck -> Int? in
                guard Self.uint32(idx, 0) == 0xff74_4f63, Self.uint32(idx, 4) == 2 else { return nil }
                let count = Int(Self.uint32(idx, 8 + 255 * 4))
                let minimum = 8 + 1024 + count * 28 + 40
                guard idx.count >= minimum, idx.count <= minimum + max(0, count - 1) * 8 else { return nil }
                // "PACK", version 2 or 3, the same object count, and the pack's trailing
                // checksum equal to the one the index was written for.
                guard Self.uint32(pck, 0) == 0x5041_434b, [2, 3].contains(Self.uint32(pck, 4)),
                      Int(Self.uint32(pck, 8)) == count,
                      memcmp(pck.baseAddress! + pck.count - 20, idx.baseAddress! + idx.count - 40, 20) == 0
                else { return nil }
                return count
            }
        }
        guard let valid else { return nil }
        self.index = index
        self.pack = pack
        self.count = valid
    }

    /// The pack offset of `id`, found through the fanout and a binary search of the ids.
    func offset(of id: git_oid) -> Int? {
        var id = id
        return withUnsafeBytes(of: &id.id) { key -> Int? in
            index.withUnsafeBytes { idx -> Int? in
                let first = Int(key[0])
                var low = first == 0 ? 0 : Int(Self.uint32(idx, 8 + (first - 1) * 4))
                var high = Int(Self.uint32(idx, 8 + first * 4))
                guard low <= high, high <= count else { return nil }
                let ids = idx.baseAddress! + 8 + 1024
                while low < high {
                    let middle = (low + high) / 2
                    let order = memcmp(ids + middle * 20, key.baseAddress!, 20)
                    if order == 0 {
                        let small = Self.uint32(idx, 8 + 1024 + count * 24 + middle * 4)
                        guard small & 0x8000_0000 != 0 else { return Int(small) }
                        let large = 8 + 1024 + count * 28 + Int(small & 0x7fff_ffff) * 8
                        guard large + 8 <= idx.count - 40 else { return nil }
                        return Int(UInt64(Self.uint32(idx, large)) << 32 | UInt64(Self.uint32(idx, large + 4)))
                    }
                    if order < 0 { low = middle + 1 } else { high = middle }
                }
                return nil
            }
        }
    }

    /// The size of the blob whose entry starts at `offset`: from the entry header for a
    /// whole blob, from the start of the delta data for a delta (of either kind).
    func blobSize(at offset: Int) -> Int? {
        pack.withUnsafeBytes { bytes -> Int? in
            let end = bytes.count - 20  // the trailing checksum is no entry's data
            guard offset >= 12, offset < end else { return nil }
            var position = offset
            var byte = bytes[position]
            position += 1
            let type = (byte >> 4) & 7
            var size = Int(byte & 15)
            var shift = 4
            while byte & 0x80 != 0 {
                guard position < end, shift <= 56 else { return nil }
                byte = bytes[position]
                position += 1
                size |= Int(byte & 0x7f) << shift
                shift += 7
            }
            switch type {
            case 3:  // a blob stored whole
                return size
            case 6:  // OFS_DELTA: a variable-length negative offset to the base
                repeat {
                    guard position < end else { return nil }
                    byte = bytes[position]
                    position += 1
                } while byte & 0x80 != 0
            case 7:  // REF_DELTA: the base's 20-byte id
                position += 20
            default:
                return nil
            }
            guard position < end else { return nil }
            return DeltaSizes.resultSize(UnsafeRawBufferPointer(rebasing: bytes[position..<end]))
        }
    }

    private static func uint32(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }
}

/// The result size a delta declares, from the first bytes of its zlib stream.
///
/// A delta starts with two little-endian base-128 numbers, the base's size and the result's.
/// Decoding them needs only the first few output bytes of the stream, so this is an inflater
/// (RFC 1950/1951: stored, fixed- and dynamic-Huffman blocks) that stops there. Small deltas
/// are usually one fixed-Huffman block; larger ones get dynamic codes. A preset dictionary or
/// anything malformed gives nil.
enum DeltaSizes {
    static func resultSize(_ stream: UnsafeRawBufferPointer) -> Int? {
        guard stream.count >= 2 else { return nil }
        let cmf = Int(stream[0]), flags = Int(stream[1])
        guard cmf & 0x0f == 8, (cmf << 8 | flags) % 31 == 0, flags & 0x20 == 0 else { return nil }
        var bits = BitReader(bytes: stream, position: 2)
        var output = DeltaHeader()
        while true {
            guard let last = bits.read(1), let type = bits.read(2) else { return nil }
            switch type {
            case 0:  // stored: byte-aligned length, its complement, then raw bytes
                bits.alignToByte()
                guard let length = bits.read(16), let complement = bits.read(16), length ^ complement == 0xffff else { return nil }
                for _ in 0..<length {
                    guard let byte = bits.read(8) else { return nil }
                    if let size = output.append(UInt8(byte)) { return size }
                    if output.isFull { return nil }
                }
            case 1, 2:  // fixed or dynamic Huffman codes
                var dynamic: (literals: Huffman, distances: Huffman)?
                if type == 2 {
                    guard let codes = Huffman.dynamicCodes(&bits) else { return nil }
                    dynamic = codes
                }
                while true {
                    let literal = dynamic.map { $0.literals.decode(&bits) } ?? bits.fixedLiteralOrLength()
                    guard let symbol = literal else { return nil }
                    if symbol < 256 {
                        if let size = output.append(UInt8(symbol)) { return size }
                        if output.isFull { return nil }
                        continue
                    }
                    if symbol == 256 { break }
                    let lengthIndex = symbol - 257
                    guard lengthIndex < lengthBase.count, let lengthExtra = bits.read(lengthExtraBits[lengthIndex]),
                          let distanceSymbol = dynamic.map({ $0.distances.decode(&bits) }) ?? bits.reversed(5),
                          distanceSymbol < distanceBase.count,
                          let distanceExtra = bits.read(distanceExtraBits[distanceSymbol])
                    else { return nil }
                    let length = lengthBase[lengthIndex] + lengthExtra
                    let distance = distanceBase[distanceSymbol] + distanceExtra
                    guard distance <= output.count else { return nil }
                    for _ in 0..<length {
                        if let size = output.append(output[output.count - distance]) { return size }
                        if output.isFull { return nil }
                    }
                }
            default:
                return nil
            }
            if last == 1 { return nil }  // the stream ended before both numbers did
        }
    }

    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtraBits = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                                       4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtraBits = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// A canonical Huffman code as deflate defines it, decoded bit by bit (as zlib's `puff`
    /// does): fast enough for the handful of symbols needed here.
    private struct Huffman {
        /// How many codes have each length, 0...15.
        var counts = [Int](repeating: 0, count: 16)
        /// The symbols ordered by code.
        var symbols: [Int]

        /// Nil for lengths that over-subscribe the code (an incomplete code is allowed, as
        /// zlib allows one for a single distance code).
        init?(lengths: ArraySlice<Int>) {
            symbols = [Int](repeating: 0, count: lengths.count)
            for length in lengths { counts[length] += 1 }
            var left = 1
            for length in 1..<16 {
                left = (left << 1) - counts[length]
                if left < 0 { return nil }
            }
            var offsets = [Int](repeating: 0, count: 16)
            for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
            for (symbol, length) in zip(0..., lengths) where length != 0 {
                symbols[offsets[length]] = symbol
                offsets[length] += 1
            }
        }

        func decode(_ bits: inout BitReader) -> Int? {
            var code = 0, first = 0, index = 0
            for length in 1..<16 {
                guard let bit = bits.read(1) else { return nil }
                code |= bit
                let count = counts[length]
                if code < first + count { return symbols[index + code - first] }
                index += count
                first = (first + count) << 1
                code <<= 1
            }
            return nil
        }

        private static let lengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

        /// The literal/length and distance codes of a dynamic block, from its header.
        static func dynamicCodes(_ bits: inout BitReader) -> (literals: Huffman, distances: Huffman)? {
            guard let literalCount = bits.read(5).map({ $0 + 257 }), let distanceCount = bits.read(5).map({ $0 + 1 }),
                  let lengthCodeCount = bits.read(4).map({ $0 + 4 }), literalCount <= 286, distanceCount <= 30
            else { return nil }
            var lengthCodeLengths = [Int](repeating: 0, count: 19)
            for index in 0..<lengthCodeCount {
                guard let length = bits.read(3) else { return nil }
                lengthCodeLengths[lengthOrder[index]] = length
            }
            guard let lengthCode = Huffman(lengths: lengthCodeLengths[...]) else { return nil }
            var lengths: [Int] = []
            lengths.reserveCapacity(literalCount + distanceCount)
            while lengths.count < literalCount + distanceCount {
                guard let symbol = lengthCode.decode(&bits) else { return nil }
                switch symbol {
                case 0..<16:
                    lengths.append(symbol)
                case 16:  // the previous length 3-6 times
                    guard let previous = lengths.last, let repeats = bits.read(2) else { return nil }
                    lengths.append(contentsOf: repeatElement(previous, count: 3 + repeats))
                case 17:  // 3-10 zeros
                    guard let repeats = bits.read(3) else { return nil }
                    lengths.append(contentsOf: repeatElement(0, count: 3 + repeats))
                default:  // 18: 11-138 zeros
                    guard let repeats = bits.read(7) else { return nil }
                    lengths.append(contentsOf: repeatElement(0, count: 11 + repeats))
                }
            }
            guard lengths.count == literalCount + distanceCount, lengths[256] != 0,
                  let literals = Huffman(lengths: lengths[0..<literalCount]),
                  let distances = Huffman(lengths: lengths[literalCount...])
            else { return nil }
            return (literals, distances)
        }
    }

    /// The first output bytes of a delta, until both sizes are complete (at most ten bytes
    /// each; more is malformed).
    private struct DeltaHeader {
        private var bytes: (UInt64, UInt64, UInt64) = (0, 0, 0)
        private(set) var count = 0
        private var ends = 0

        var isFull: Bool { count == 20 }

        subscript(index: Int) -> UInt8 {
            withUnsafeBytes(of: bytes) { $0[index] }
        }

        /// Adds a byte; returns the result size once the second number has ended.
        mutating func append(_ byte: UInt8) -> Int? {
            withUnsafeMutableBytes(of: &bytes) { $0[count] = byte }
            count += 1
            guard byte & 0x80 == 0 else { return nil }
            ends += 1
            guard ends == 2 else { return nil }
            var index = 0
            while self[index] & 0x80 != 0 { index += 1 }
            index += 1
            var size = 0, shift = 0
            while index < count {
                let byte = self[index]
                guard shift <= 56 else { return nil }
                size |= Int(byte & 0x7f) << shift
                shift += 7
                index += 1
            }
            return size
        }
    }

    /// Bits least-significant first, as deflate packs them.
    private struct BitReader {
        let bytes: UnsafeRawBufferPointer
        var position: Int
        var buffer: UInt64 = 0
        var available = 0

        init(bytes: UnsafeRawBufferPointer, position: Int) {
            self.bytes = bytes
            self.position = position
        }

        mutating func read(_ count: Int) -> Int? {
            while available < count {
                guard position < bytes.count else { return nil }
                buffer |= UInt64(bytes[position]) << available
                position += 1
                available += 8
            }
            let value = Int(buffer & ((1 << UInt64(count)) - 1))
            buffer >>= UInt64(count)
            available -= count
            return value
        }

        mutating func alignToByte() {
            let drop = available % 8
            buffer >>= UInt64(drop)
            available -= drop
        }

        /// `count` bits of a Huffman code, which deflate stores most-significant bit first.
        mutating func reversed(_ count: Int) -> Int? {
            var code = 0
            for _ in 0..<count {
                guard let bit = read(1) else { return nil }
                code = code << 1 | bit
            }
            return code
        }

        /// One literal/length symbol in the fixed code: 7-bit codes 0–23 are 256–279,
        /// 8-bit 48–191 are literals 0–143 and 192–199 are 280–287, 9-bit 400–511 are
        /// literals 144–255.
        mutating func fixedLiteralOrLength() -> Int? {
            guard var code = reversed(7) else { return nil }
            if code <= 23 { return 256 + code }
            guard let eighth = read(1) else { return nil }
            code = code << 1 | eighth
            if code >= 48, code <= 191 { return code - 48 }
            if code >= 192, code <= 199 { return 280 + code - 192 }
            guard let ninth = read(1) else { return nil }
            code = code << 1 | ninth
            return code >= 400 ? 144 + code - 400 : nil
        }
    }
}
