/// A ``Redactor`` applied to a stream of bytes that arrives in chunks: a process's output
/// as `read` returns it, a response body as the network delivers it.
///
/// Redacting each chunk (or each line) on its own would miss a secret cut in two by a chunk
/// boundary, by the 64 KiB split of an endless line, or by its own newlines. Here a chunk's
/// tail that could be the beginning of a secret is held back until the next chunk says
/// whether it is one; everything else passes at once, so a task's lines still reach
/// `baton logs --follow` as they are printed. What is held is at most the longest secret's
/// length, and only while the tail looks like the start of one.
///
/// Not `Sendable`: one stream belongs to the one reader of one byte stream.
struct RedactingStream {
    private let redactor: Redactor
    /// Bytes held back from earlier chunks, not yet written.
    private var held: [UInt8] = []
    /// How many leading bytes of `held` are the rest of a secret whose `***` is written.
    private var carry = 0
    /// Whether anything was masked so far.
    private(set) var matched = false

    init(_ redactor: Redactor) {
        self.redactor = redactor
    }

    /// Appends to `output` what of `bytes` (after what was held) is known to be redacted.
    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        guard !redactor.isEmpty else {
            output.append(contentsOf: bytes)
            return
        }
        if held.isEmpty {
            // The usual case: scan the chunk where it lies, keep only its undecided tail.
            let (consumed, found) = redactor.scan(bytes, carry: &carry, final: false, into: &output)
            matched = matched || found
            if consumed < bytes.count { held.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[consumed...])) }
        } else {
            held.append(contentsOf: bytes)
            var carried = carry
            let (consumed, found) = held.withUnsafeBufferPointer { redactor.scan($0, carry: &carried, final: false, into: &output) }
            carry = carried
            matched = matched || found
            held.removeFirst(consumed)
        }
    }

    /// At the end of the stream: writes what was held, redacted.
    mutating func finish(into output: inout [UInt8]) {
        guard !held.isEmpty else { return }
        var carried = carry
        let found = held.withUnsafeBufferPointer { redactor.scan($0, carry: &carried, final: true, into: &output).matched }
        matched = matched || found
        held.removeAll()
        carry = 0
    }
}
