import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The log file of one HTTP task attempt, in the line format of process tasks
/// (`2026-11-23T18:30:00.123Z stdout <text>`), so `baton logs` reads both the same way.
///
/// Every line goes through the run's ``Redactor`` before it touches the disk. Shared between
/// the task doing the request and the one enforcing its timeout, hence the lock.
final class HTTPTaskLog: @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle
    let redactor: Redactor
    private var bytes = 0
    private var writeError: String?

    /// Creates (or truncates) the file at `path`, creating its folder if needed.
    init(path: String, redactor: Redactor) throws(EngineError) {
        let folder = (path as NSString).deletingLastPathComponent
        do {
            if !folder.isEmpty {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
        } catch {
            throw EngineError(.io, "cannot create the log folder \(folder): \(error.localizedDescription)")
        }
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path)
        else {
            throw EngineError(.io, "cannot create the log file \(path)")
        }
        self.handle = handle
        self.redactor = redactor
    }

    deinit { try? handle.close() }

    /// Bytes written so far.
    var byteCount: Int { lock.withLock { bytes } }

    /// Appends one line (redacted, timestamped). A failing disk does not fail the HTTP call;
    /// the first error is kept and reported in the outcome's reason.
    func line(_ text: String, at instant: Date = Date()) {
        let entry = Self.timestamp(instant) + " stdout " + redactor.redact(text) + "\n"
        let data = Data(entry.utf8)
        lock.withLock {
            guard writeError == nil else { return }
            do {
                try handle.write(contentsOf: data)
                bytes += data.count
            } catch {
                writeError = error.localizedDescription
            }
        }
    }

    /// The first write error, if the log could not be written completely.
    var failure: String? { lock.withLock { writeError } }

    /// RFC 3339 in UTC with milliseconds, always with the fraction so lines sort and align.
    static func timestamp(_ instant: Date) -> String {
        let millis = Int64((instant.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = millis.quotientAndRemainder(dividingBy: 1000)
        var wholeSeconds = seconds.quotient
        var fraction = seconds.remainder
        if fraction < 0 {
            wholeSeconds -= 1
            fraction += 1000
        }
        var time = time_t(wholeSeconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: some BinaryInteger, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(parts.tm_mon + 1, 2) + "-" + pad(parts.tm_mday, 2)
            + "T" + pad(parts.tm_hour, 2) + ":" + pad(parts.tm_min, 2) + ":" + pad(parts.tm_sec, 2)
            + "." + pad(fraction, 3) + "Z"
    }
}
