import Foundation

/// IANA time zone names, matched exactly as the tz database spells them.
///
/// `TimeZone.knownTimeZoneIdentifiers` is not the test: on Linux it lists only ICU's canonical
/// names and misses real ones such as `Asia/Kolkata`. And `TimeZone(identifier:)` alone is too
/// forgiving (it turns `GMT+2` into `GMT+0200`). A name is valid when Foundation resolves it
/// and gives back exactly the same name, so a schedule means the same on every Baton node.
public enum TimeZones {
    /// The zone for an exact tz database name, or `nil`.
    public static func named(_ name: String) -> TimeZone? {
        guard !name.isEmpty, let zone = TimeZone(identifier: name) else { return nil }
        if zone.identifier == name { return zone }
        // Foundation calls UTC "GMT"; both are the same zone and `UTC` is what people write.
        if name == "UTC", zone.secondsFromGMT() == 0 { return zone }
        return nil
    }

    public static func isKnown(_ name: String) -> Bool { named(name) != nil }

    /// The name to show for a zone: what people wrote. Foundation spells `UTC` as `GMT`, and
    /// a schedule written `UTC` should not come back to its author as `GMT` in a plan, a
    /// status report or the API.
    public static func name(of zone: TimeZone) -> String {
        zone.identifier == "GMT" ? "UTC" : zone.identifier
    }

    /// The closest real name, for "did you mean" (case slips, a missing underscore).
    public static func suggestion(for name: String) -> String? {
        let candidates = TimeZone.knownTimeZoneIdentifiers + ["UTC", "Asia/Kolkata"]
        let normalized = name.replacingOccurrences(of: " ", with: "_")
        if let match = candidates.first(where: { $0.caseInsensitiveCompare(normalized) == .orderedSame }) { return match }
        return Suggestion.nearest(to: name, among: candidates)
    }
}
