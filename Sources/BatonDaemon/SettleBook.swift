import Foundation

/// The files of one watched folder that are waiting to settle: each with the facts last
/// seen (size, modification time, identity) and since when the daemon has seen exactly
/// those facts. Pure: the caller brings the listings and the time, so it is tested with a
/// made-up clock.
///
/// Settling is measured from the daemon's own observations, never from the file's mtime
/// alone: a file copied with its old mtime kept (`cp -p`, `rsync -t`) must not start before
/// the copy is done. A file that arrived while the daemon was down therefore waits `settle`
/// after the daemon first sees it.
struct SettleBook: Sendable, Equatable {
    struct Candidate: Sendable, Equatable {
        var facts: FileFacts
        /// When these facts were first seen.
        var since: Date
    }

    private(set) var candidates: [String: Candidate] = [:]

    /// Takes a whole listing of the folder's unseen matching files: a file not in it is
    /// gone (or done) and dropped; a new one, or one whose facts changed, starts settling
    /// from `now`; one unchanged keeps settling.
    mutating func observe(listing: [String: FileFacts], at now: Date) {
        var next: [String: Candidate] = [:]
        for (path, facts) in listing {
            if let known = candidates[path], known.facts == facts {
                next[path] = known
            } else {
                next[path] = Candidate(facts: facts, since: now)
            }
        }
        candidates = next
    }

    /// Takes one file's facts (nil: gone or no longer a regular file).
    mutating func observe(_ path: String, facts: FileFacts?, at now: Date) {
        guard let facts else {
            candidates[path] = nil
            return
        }
        if candidates[path]?.facts != facts { candidates[path] = Candidate(facts: facts, since: now) }
    }

    /// The file is done with (it got its run, or was found seen).
    mutating func remove(_ path: String) { candidates[path] = nil }

    /// The files whose facts have stood still for `settle` by `now`, oldest first (then by
    /// path), to be checked once more and run.
    func due(at now: Date, settle: TimeInterval) -> [String] {
        candidates.filter { now.timeIntervalSince($0.value.since) >= settle }
            .sorted { ($0.value.since, $0.key) < ($1.value.since, $1.key) }
            .map(\.key)
    }

    /// When the next file will have settled, if nothing changes; nil when none waits.
    func nextDue(settle: TimeInterval) -> Date? {
        candidates.values.map(\.since).min().map { $0.addingTimeInterval(settle) }
    }
}
