/// A log line as the dashboard shows it: the executor writes `TIME STREAM TEXT`
/// (`2026-03-08T04:00:01.250Z stdout hello`); a phone has no room for the date, and the
/// stream matters only when it is stderr: `04:00:01 hello`, `04:00:01 [stderr] oops`.
enum LogLineText {
    static func display(_ line: Substring) -> String {
        var line = line
        if line.last == "\r" { line = line.dropLast() }
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[1] == "stdout" || parts[1] == "stderr",
              let t = parts[0].firstIndex(of: "T") else { return clean(line) }
        let clock = parts[0][parts[0].index(after: t)...].prefix(8)
        let text = parts.count == 3 ? parts[2] : ""
        return clean(parts[1] == "stderr" ? "\(clock) [stderr] \(text)" : "\(clock) \(text)")
    }

    /// Lines of `bytes` (invalid UTF-8 replaced), without their newlines.
    static func lines(_ bytes: some Collection<UInt8>) -> [String] {
        guard !bytes.isEmpty else { return [] }
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if text.hasSuffix("\n") { lines.removeLast() }
        return lines.map(display)
    }

    /// No carriage return survives: in a Server-Sent Events stream it would end the line.
    private static func clean(_ text: some StringProtocol) -> String {
        text.contains("\r") ? String(text).replacingOccurrences(of: "\r", with: " ") : String(text)
    }
}
