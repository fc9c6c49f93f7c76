/// "Did you mean …?" for misspelled field names and values.
enum Suggestion {
    /// The candidate closest to `word` by edit distance, when close enough to be a typo
    /// (at most 2 edits, or a third of the word for long names).
    static func nearest(to word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        if let exact = candidates.first(where: { $0.lowercased() == lowered }) { return exact }
        let limit = max(2, word.count / 3)
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(Array(lowered.utf8), Array(candidate.lowercased().utf8))
            if distance <= limit, distance < (best?.1 ?? .max) { best = (candidate, distance) }
        }
        if let best { return best.0 }
        // A shared stem ("failed" for "failure", "timezones" for "timezone").
        return candidates.first { candidate in
            let common = zip(lowered.utf8, candidate.lowercased().utf8).prefix { $0 == $1 }.count
            return common >= 4 && common * 2 >= max(word.count, candidate.count)
        }
    }

    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions, the most
    /// common typo: "retires" for "retries").
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
