/// Numbers for SVG attributes: one decimal at most, no trailing `.0`, so the markup stays
/// small and identical from run to run.
enum SVG {
    static func number(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        guard tenths.isFinite else { return "0" }
        let whole = Int(tenths)
        if whole % 10 == 0 { return String(whole / 10) }
        let sign = whole < 0 ? "-" : ""
        return "\(sign)\(abs(whole) / 10).\(abs(whole) % 10)"
    }

    /// Shortens a label to fit a box, keeping the start (ids are read from the left); the
    /// full text stays in the element's `<title>`.
    static func fit(_ text: String, characters: Int) -> String {
        text.count <= characters ? text : String(text.prefix(characters - 1)) + "…"
    }
}
