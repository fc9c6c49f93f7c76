import Foundation

/// IANA time zone names, matched exactly as the tz database spells them.
///
/// `TimeZone(identifier:)` alone is too forgiving for validation (it accepts abbreviations
/// and offsets such as "EST" or "GMT+2" on some platforms); a manifest must name a real zone
/// so that its schedule means the same thing on every Baton node.
enum TimeZones {
    static let known: Set<String> = {
        var names = Set(TimeZone.knownTimeZoneIdentifiers)
        names.insert("UTC")
        return names
    }()

    static func isKnown(_ name: String) -> Bool {
        known.contains(name) && TimeZone(identifier: name) != nil
    }

    /// The closest real name, for "did you mean" (case slips, a missing underscore).
    static func suggestion(for name: String) -> String? {
        let lowered = name.lowercased().replacingOccurrences(of: " ", with: "_")
        if let match = known.first(where: { $0.lowercased() == lowered }) { return match }
        return Suggestion.nearest(to: name, among: known.sorted())
    }
}
