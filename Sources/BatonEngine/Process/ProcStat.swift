#if canImport(Glibc)
import Glibc
#endif

/// The few fields of `/proc/<pid>/stat` the runner needs.
///
/// Read with one `open`/`read` into a stack buffer rather than through Foundation because it
/// runs for every started process and, when a group is being terminated, for every process on
/// the machine.
struct ProcStat {
    /// Field 3: `R`, `S`, `Z` (zombie: exited, not yet reaped), …
    var state: UInt8
    /// Field 4.
    var parent: pid_t
    /// Field 5.
    var processGroup: pid_t
    /// Field 22: start time in clock ticks since boot.
    var startTime: Int64

    /// Exited (a zombie waiting for its parent, or being torn down): it runs no more code.
    var hasExited: Bool { state == UInt8(ascii: "Z") || state == UInt8(ascii: "X") || state == UInt8(ascii: "x") }

    /// Nil when the process does not exist (any more).
    static func read(_ pid: pid_t) -> ProcStat? {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { buffer -> ProcStat? in
            var count = 0
            while count < buffer.count {
                let n = Glibc.read(fd, buffer.baseAddress! + count, buffer.count - count)
                if n < 0 { if errno == EINTR { continue }; return nil }
                if n == 0 { break }
                count += n
            }
            return parse(UnsafeBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// The command name (field 2) is in parentheses and may itself hold spaces and `)`, so
    /// fields are counted from the *last* `)`.
    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> ProcStat? {
        guard let close = text.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        var field = 2  // the one that ends at `close`
        var index = close + 1
        var state: UInt8 = 0
        var parent: Int64 = 0, group: Int64 = 0, start: Int64 = 0
        while index < text.count, field < 22 {
            while index < text.count, text[index] == UInt8(ascii: " ") { index += 1 }
            guard index < text.count else { break }
            field += 1
            let begin = index
            var value: Int64 = 0, negative = false
            while index < text.count, text[index] != UInt8(ascii: " "), text[index] != UInt8(ascii: "\n") {
                let byte = text[index]
                if byte == UInt8(ascii: "-") { negative = true } else if byte >= 48, byte <= 57 { value = value * 10 + Int64(byte - 48) }
                index += 1
            }
            if negative { value = -value }
            switch field {
            case 3: state = text[begin]
            case 4: parent = value
            case 5: group = value
            case 22: start = value
            default: break
            }
        }
        guard field == 22 else { return nil }
        return ProcStat(state: state, parent: pid_t(parent), processGroup: pid_t(group), startTime: start)
    }
}
