import BatonGit
import BatonManifest
import BatonReconciler
import BatonStore
import Foundation

/// A reconcile report with what a person needs around it: which command produced it, the
/// source, and the commit that is (or stays) live. `reconcile` and `plan` print it in text,
/// `plan` also in Markdown, and both in JSON.
struct PlanReport {
    /// `reconcile` or `plan`: the first word of the summary line.
    var command: String
    var report: ReconcileReport
    var source: GitSource
    /// The commit compared against: the live one (reconcile, plan --head) or the base.
    var base: String?
    /// What `base` is: "live" or "base".
    var baseRole: String
    /// For `reconcile`: the commit that was live before the pass, when it differs from `base`.
    var previous: String?

    var errorCount: Int { report.diagnostics.filter { $0.severity == .error }.count }

    // MARK: Text

    /// The diagnostics of a rejected commit, one compiler-style line each, then the changes
    /// (each with its fields, schedule and who asked for it), then one summary line.
    func text() -> String {
        var lines: [String] = []
        lines.append(contentsOf: report.diagnostics.map(\.formatted))
        if let note = movementNote() { lines.append(note) }
        if report.outcome != .rejected {
            for entry in report.plan.entries { lines.append(contentsOf: Self.textLines(entry)) }
        }
        lines.append(summaryLine())
        return lines.joined(separator: "\n") + "\n"
    }

    /// A warning when the ref did not move forward from the live commit: a force-push or a
    /// reset rewinds the live state to an older commit, which a reviewer should know.
    func movementNote() -> String? {
        let from = (previous ?? base).map { " from \($0.prefix(12))" } ?? ""
        switch report.movement {
        case .rewind: return "note: the ref moved back\(from) to \(report.commit.short) (a force-push or a reset): the live state follows it"
        case .unrelated: return "note: \(report.commit.short) shares no history with\(from.isEmpty ? " the live commit" : from) (another repository at the same URL?)"
        default: return nil
        }
    }

    /// `reconcile: commit 3f2a9c1d0e4b (ana@example.com) applied: 1 to create, …` or, for a
    /// rejection, the line of DESIGN.md naming what stays live.
    func summaryLine() -> String {
        let commit = "commit \(report.commit.short) (\(report.commit.author.email))"
        switch report.outcome {
        case .rejected:
            let errors = "\(errorCount) error\(errorCount == 1 ? "" : "s")"
            let stays: String
            if let base {
                stays = baseRole == "live" ? "\(base.prefix(12)) stays live" : "the base \(base.prefix(12)) would stay live"
            } else {
                stays = "nothing is live yet"
            }
            let verb = report.applied || command == "reconcile" ? "rejected" : "would be rejected"
            return "\(command): \(commit) \(verb): \(errors); \(stays)"
        case .unchanged,
             .applied where report.alreadyJudged:
            let live = report.plan.summary.unchanged
            let pipelines = "\(live) pipeline\(live == 1 ? "" : "s") live"
            if report.alreadyJudged { return "\(command): \(commit) unchanged: already applied; \(pipelines)" }
            return "\(command): \(commit) unchanged: no pipeline changes; \(pipelines)"
        case .applied:
            let verb = report.applied ? "applied" : "would apply"
            return "\(command): \(commit) \(verb): \(report.plan.summary.description)"
        }
    }

    static func textLines(_ entry: PlanEntry) -> [String] {
        let sign: String
        switch entry.kind {
        case .create: sign = "+"
        case .update: sign = "~"
        case .retire: sign = "-"
        case .revive: sign = "^"
        }
        var head = "\(sign) \(entry.kind.rawValue) \(entry.pipeline)  \(entry.path)"
        if let previous = entry.previousPath { head += " (moved from \(previous))" }
        if let version = version(entry) { head += "  \(version)" }
        var lines = [head]
        if let attribution = entry.attribution { lines.append("    by " + Self.attribution(attribution)) }
        for change in entry.changes {
            lines.append("    \(change.pointer.isEmpty ? "/" : change.pointer): \(change.old ?? "(absent)") → \(change.new ?? "(absent)")")
        }
        if let schedule = entry.schedule {
            if let before = schedule.before, let after = schedule.after, before != after {
                lines.append("    schedule: \(Self.describe(before)) → \(Self.describe(after))")
                lines.append("    next before: \(Self.fireTimes(before))")
                lines.append("    next after:  \(Self.fireTimes(after))")
            } else if let only = schedule.after ?? schedule.before {
                lines.append("    schedule: \(Self.describe(only))")
                if !only.next.isEmpty { lines.append("    next: \(Self.fireTimes(only))") }
            }
            lines += Self.triggerLines(schedule)
        }
        return lines
    }

    /// `    trigger: after ingest succeeds`, one line each, and `    on failure: …`; a change
    /// shows the lines before and after.
    static func triggerLines(_ schedule: SchedulePreview) -> [String] {
        func lines(_ summary: ScheduleSummary, _ suffix: String) -> [String] {
            summary.triggers.map { "    trigger\(suffix): \($0)" } + (summary.onFailure.map { ["    on failure\(suffix): \($0)"] } ?? [])
        }
        if let before = schedule.before, let after = schedule.after, before.triggers != after.triggers || before.onFailure != after.onFailure {
            let old = lines(before, " before"), new = lines(after, " after")
            return (old.isEmpty ? ["    triggers before: none"] : old) + (new.isEmpty ? ["    triggers after: none"] : new)
        }
        return (schedule.after ?? schedule.before).map { lines($0, "") } ?? []
    }

    /// `v2 → v3`, `v1` for a create, nil where versions are unknown (`plan --base`).
    static func version(_ entry: PlanEntry) -> String? {
        switch (entry.kind, entry.previousVersion) {
        case (.create, nil): return "v1"
        case (.retire, let previous?): return "v\(previous) (retired)"
        case (_, let previous?): return "v\(previous) → v\(previous + 1)"
        case (_, nil): return nil
        }
    }

    /// `Bo Chen <bo@example.com> in 1a2b3c4d5e6f, merged by Dee <dee@example.com> in …`.
    static func attribution(_ attribution: ChangeAttribution) -> String {
        var text = "\(attribution.commit.author) in \(attribution.commit.short)"
        if let merge = attribution.mergeCommit {
            text += ", merged"
            if let by = attribution.mergedBy { text += " by \(by)" }
            text += " in \(merge.prefix(12))"
        }
        return text
    }

    /// The schedule in words with the zone its wall-clock times are read in:
    /// `at 02:00 every day (America/Sao_Paulo)`.
    static func describe(_ summary: ScheduleSummary) -> String {
        guard let zone = summary.timeZone, zone != "GMT", zone != "UTC", !summary.description.hasSuffix(" in \(zone)") else {
            return summary.description
        }
        return "\(summary.description) (\(zone))"
    }

    /// Fire times on the schedule's own wall clock, with its offset.
    static func fireTimes(_ summary: ScheduleSummary) -> String {
        guard !summary.next.isEmpty else { return "none" }
        return summary.next.map { Times.local($0, zone: summary.timeZone) }.joined(separator: ", ")
    }

    // MARK: Markdown

    /// A pull-request comment: a heading with the counts, a table of the pipelines, then per
    /// changed pipeline its fields (old → new) and schedule; a rejection lists every
    /// diagnostic in a code block.
    func markdown() -> String {
        var out: [String] = []
        let commit = report.commit
        let shortBase = base.map { "`\($0.prefix(12))`" }
        if report.outcome == .rejected {
            out.append("### Baton plan: rejected, \(errorCount) error\(errorCount == 1 ? "" : "s")")
            out.append("")
            out.append("Commit `\(commit.short)` by \(Markdown.escape(commit.author.description)) would not be applied: nothing of it goes live"
                + (shortBase.map { " and \($0) stays." } ?? "."))
            out.append("")
            out.append(Markdown.codeBlock(report.diagnostics.map(\.formatted).joined(separator: "\n")))
            return out.joined(separator: "\n") + "\n"
        }
        let summary = report.plan.summary
        var counts = ["create", "update", "retire", "revive"].enumerated().compactMap { index, word -> String? in
            let n = [summary.creates, summary.updates, summary.retires, summary.revives][index]
            return n > 0 ? "\(n) to \(word)" : nil
        }
        if counts.isEmpty { counts = ["no changes"] }
        counts.append("\(summary.unchanged) unchanged")
        out.append("### Baton plan: \(counts.joined(separator: ", "))")
        out.append("")
        let against = shortBase.map { " against \(baseRole == "live" ? "the live commit" : "base") \($0)" } ?? " (nothing is live yet)"
        out.append("Head `\(commit.short)`\(against), by \(Markdown.escape(commit.author.description)): \(Markdown.escape(commit.subject))")
        guard !report.plan.entries.isEmpty else { return out.joined(separator: "\n") + "\n" }
        out.append("")
        out.append("| change | pipeline | file | version |")
        out.append("|---|---|---|---|")
        for entry in report.plan.entries {
            var file = Markdown.code(entry.path)
            if let previous = entry.previousPath { file += " (from \(Markdown.code(previous)))" }
            out.append("| \(entry.kind.rawValue) | \(Markdown.code(entry.pipeline)) | \(file) | \(Self.version(entry) ?? "-") |")
        }
        for entry in report.plan.entries {
            out.append("")
            out.append("#### \(Markdown.code(entry.pipeline)) (\(entry.kind.rawValue))")
            out.append("")
            if let attribution = entry.attribution {
                out.append("By \(Markdown.escape(Self.attribution(attribution))).")
                out.append("")
            }
            for change in entry.changes {
                out.append("- \(Markdown.code(change.pointer.isEmpty ? "/" : change.pointer)): \(Markdown.code(change.old ?? "(absent)")) → \(Markdown.code(change.new ?? "(absent)"))")
            }
            if let schedule = entry.schedule {
                if !entry.changes.isEmpty { out.append("") }
                out.append(contentsOf: Self.markdownSchedule(schedule))
            }
            if entry.changes.isEmpty, entry.schedule == nil { out.append("No field changes.") }
        }
        if !report.diagnostics.isEmpty {
            out.append("")
            out.append("Warnings:")
            out.append("")
            out.append(Markdown.codeBlock(report.diagnostics.map(\.formatted).joined(separator: "\n")))
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func markdownSchedule(_ schedule: SchedulePreview) -> [String] {
        var out: [String] = []
        switch (schedule.before, schedule.after) {
        case let (before?, after?) where before != after:
            out.append("Schedule: \(Markdown.escape(describe(before))) → **\(Markdown.escape(describe(after)))**")
            out.append("")
            out.append("| next | before | after |")
            out.append("|---|---|---|")
            for index in 0..<max(before.next.count, after.next.count) {
                let old = index < before.next.count ? Markdown.code(Times.local(before.next[index], zone: before.timeZone)) : ""
                let new = index < after.next.count ? Markdown.code(Times.local(after.next[index], zone: after.timeZone)) : ""
                out.append("| \(index + 1) | \(old) | \(new) |")
            }
        case let (before, after):
            guard let only = after ?? before else { break }
            out.append("Schedule: \(Markdown.escape(describe(only)))" + (after == nil ? ", no more runs" : ""))
            if after != nil, !only.next.isEmpty {
                out.append("")
                out.append("Next: " + only.next.map { Markdown.code(Times.local($0, zone: only.timeZone)) }.joined(separator: ", "))
            }
        }
        let triggers = triggerLines(schedule)
        if !triggers.isEmpty {
            out.append("")
            out += triggers.map { "- " + Markdown.escape($0.trimmingCharacters(in: .whitespaces)) }
        }
        return out
    }

    // MARK: JSON

    func json() -> JSONValue {
        let entries = report.outcome == .rejected ? [] : report.plan.entries.map { entry in
            JSONOut.object([
                ("pipeline", JSONOut.string(entry.pipeline)), ("change", JSONOut.string(entry.kind.rawValue)),
                ("path", JSONOut.string(entry.path)), ("previousPath", JSONOut.string(entry.previousPath)),
                ("previousVersion", JSONOut.int(entry.previousVersion)),
                ("version", JSONOut.int(entry.previousVersion.map { entry.kind == .retire ? $0 : $0 + 1 } ?? (entry.kind == .create ? 1 : nil))),
                ("fields", JSONOut.array(entry.changes.map(JSONOut.fieldChange))),
                ("schedule", entry.schedule.map { JSONOut.object([("before", JSONOut.schedule($0.before)), ("after", JSONOut.schedule($0.after))]) } ?? JSONOut.null),
                ("attribution", entry.attribution.map { attribution in
                    JSONOut.object([
                        ("commit", JSONOut.commit(attribution.commit)), ("mergeCommit", JSONOut.string(attribution.mergeCommit)),
                        ("mergedBy", JSONOut.person(attribution.mergedBy)),
                    ])
                } ?? JSONOut.null),
            ])
        }
        return JSONOut.object([
            ("command", JSONOut.string(command)),
            ("outcome", JSONOut.string(report.outcome.rawValue)),
            ("written", JSONOut.bool(report.applied)),
            ("alreadyJudged", JSONOut.bool(report.alreadyJudged)),
            ("hasChanges", JSONOut.bool(report.outcome == .applied && report.plan.summary.hasChanges)),
            ("commit", JSONOut.commit(report.commit)),
            ("movement", JSONOut.string(report.movement.rawValue)),
            (baseRole, JSONOut.string(base)),
            ("source", JSONOut.object([
                ("url", JSONOut.string(source.redactedURL)), ("ref", JSONOut.string(source.ref.description)),
                ("path", JSONOut.string(source.manifestsPath)),
            ])),
            ("summary", JSONOut.summary(report.plan.summary)),
            ("changes", JSONOut.array(entries)),
            ("diagnostics", JSONOut.array(report.diagnostics.map(JSONOut.diagnostic))),
            ("note", JSONOut.string(report.mirrorNote)),
        ])
    }
}

/// Escaping for the Markdown `plan` writes into pull-request comments.
enum Markdown {
    /// A code span that survives backticks and table pipes inside the text.
    static func code(_ text: String) -> String {
        let cell = text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        var fence = "`"
        while cell.contains(fence) { fence += "`" }
        let pad = cell.hasPrefix("`") || cell.hasSuffix("`") ? " " : ""
        return fence + pad + cell + pad + fence
    }

    /// Plain text with Markdown's active characters escaped.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            if "\\`*_[]<>|#".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    static func codeBlock(_ text: String) -> String {
        var fence = "```"
        while text.contains(fence) { fence += "`" }
        return "\(fence)text\n\(text)\n\(fence)"
    }
}

/// How instants are written for people.
enum Times {
    /// On the wall clock of `zone` (an IANA name), with its offset: `2026-03-08T03:00:00-04:00`;
    /// UTC when the zone is unknown or absent.
    static func local(_ instant: Date, zone: String?) -> String {
        guard let zone, let timeZone = TimeZone(identifier: zone) else { return RFC3339.utcString(instant) }
        return RFC3339.localString(instant, offsetSeconds: timeZone.secondsFromGMT(for: instant))
    }

    static func local(_ instant: Date, zone: TimeZone) -> String {
        RFC3339.localString(instant, offsetSeconds: zone.secondsFromGMT(for: instant))
    }

    /// UTC to the second, for people (JSON keeps the exact instant).
    static func utc(_ instant: Date?) -> String {
        guard let instant else { return "never" }
        return RFC3339.utcString(Date(timeIntervalSince1970: instant.timeIntervalSince1970.rounded(.down)))
    }
}
