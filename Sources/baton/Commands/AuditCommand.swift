import ArgumentParser
import BatonManifest
import BatonOperations
import Foundation

/// `baton audit`: every change to the live state, for "who changed what, when".
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List every change to the live pipelines, newest first, with its commit and author.",
        discussion: """
            Each line is one change Baton applied: when, which pipeline, the change (create, \
            update, retire, revive), the changed fields as JSON pointers, the commit and its \
            author, and who merged it. The log is written in the same transaction as the \
            change, so it never misses one. Filters combine:

              $ baton audit --since 7d --author bo@example.com
              TIME                  PIPELINE   CHANGE  COMMIT        AUTHOR                    FIELDS
              2026-03-02T09:05:00Z  sales-etl  update  bb81c0ff3e21  Bo Chen <bo@example.com>  /schedule/cron

            --since takes an RFC 3339 instant (2026-03-01T00:00:00Z) or a duration meaning \
            that long ago (90m, 24h, 7d). --author matches the author's or the merger's \
            e-mail, ignoring case.

            Exit status: 0 success (an empty log included), 1 when nothing has been \
            reconciled yet or the store cannot be read, 2 for a usage error.
            """)

    @OptionGroup var options: StateOptions

    @Option(name: .long, help: ArgumentHelp("Only changes at or after this RFC 3339 instant, or this long ago (24h, 7d; at most 36500d).", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Only changes to this pipeline.", valueName: "name"))
    var pipeline: String?

    @Option(name: .long, help: ArgumentHelp("Only changes authored or merged by this e-mail address.", valueName: "email"))
    var author: String?

    @Option(name: .long, help: ArgumentHelp("At most this many changes (the newest).", valueName: "n"))
    var limit: Int?

    @Flag(name: .long, help: "Print one JSON object with every matching change, and nothing else.")
    var json = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, not \(limit)") }
        if let since { _ = try Self.instant(since, now: Date()) }
    }

    /// An RFC 3339 instant, or a duration before `now`.
    static func instant(_ text: String, now: Date) throws -> Date {
        if let instant = RFC3339.instant(from: text) { return instant }
        // A duration is bounded (at most 36500d), so the instant it names stays a date the
        // store can compare with.
        if (try? ManifestDuration(parsing: text)) != nil { return now.addingTimeInterval(-(try DurationFlag.since.parse(text)).seconds) }
        throw ValidationError("--since \"\(text)\" is neither an RFC 3339 instant (2026-03-01T00:00:00Z) nor a duration (90m, 24h, 7d)")
    }

    func run() async throws {
        try await reportingFailures(json: json) {
            let operations = try options.operations()
            let request = AuditRequest(since: try since.map { try Self.instant($0, now: Date()) }, pipeline: pipeline, author: author, limit: limit)
            let log = try await operation { () async throws(OperationError) in try await operations.audit(request) }
            if json { Output.json(Self.jsonValue(log.events, request: request)) } else { Output.text(Self.text(log.events), terminator: "") }
        }
    }

    static func text(_ events: [AuditEntry]) -> String {
        guard !events.isEmpty else { return "no changes match\n" }
        var rows = [["TIME", "PIPELINE", "CHANGE", "COMMIT", "AUTHOR", "FIELDS"]]
        for event in events {
            var who = event.author?.description ?? event.actor ?? "-"
            if let by = event.mergedBy { who += " (merged by \(by))" }
            let fields = event.fields.map { $0.isEmpty ? "/" : $0 }.joined(separator: ", ")
            rows.append([Times.utc(event.time), event.pipeline, event.change, event.commit.map { String($0.prefix(12)) } ?? "-", who, fields.isEmpty ? "-" : fields])
        }
        return Table.render(rows).joined(separator: "\n") + "\n"
    }

    static func jsonValue(_ events: [AuditEntry], request: AuditRequest) -> JSONValue {
        JSONOut.object([
            ("filters", JSONOut.object([
                ("since", JSONOut.date(request.since)), ("pipeline", JSONOut.string(request.pipeline)),
                ("author", JSONOut.string(request.author)), ("limit", JSONOut.int(request.limit)),
            ])),
            ("events", JSONOut.array(events.map { event in
                JSONOut.object([
                    ("id", JSONOut.int(Int(event.id))), ("time", JSONOut.date(event.time)),
                    ("pipeline", JSONOut.string(event.pipeline)), ("change", JSONOut.string(event.change)),
                    ("fields", JSONOut.array(event.fields.map { JSONOut.string($0) })),
                    ("commit", JSONOut.string(event.commit)), ("author", JSONOut.person(event.author)),
                    ("mergeCommit", JSONOut.string(event.mergeCommit)), ("mergedBy", JSONOut.person(event.mergedBy)),
                    ("actor", JSONOut.string(event.actor)), ("message", JSONOut.string(event.message)),
                ])
            })),
        ])
    }
}
