import ArgumentParser
import BatonManifest
import BatonOperations
import Foundation

/// `baton backfill NAME --from A --to B`: runs a pipeline's past slots, through the daemon.
struct BackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Ask the running daemon to run a pipeline's past slots in a range.",
        discussion: """
            Makes one run for each slot of the pipeline's current schedule from --from \
            (inclusive) to --to (exclusive), of its live version with the parameters' \
            defaults, and hands them to the daemon, which runs them oldest first, at most \
            --max-parallel at once. Each run's trigger is `backfill`. A slot that already \
            has a run (succeeded, failed, missed, skipped, any) is skipped and counted: \
            no slot ever gets two runs, so asking twice is harmless. Slots after now are \
            left to the scheduler.

            --from and --to are RFC 3339 instants (2026-01-01T00:00:00Z) or plain dates \
            (2026-01-01), which mean midnight in the time zone of the pipeline's schedule.

            The backfill is recorded in the state store with all its runs: a daemon that \
            stops or crashes half-way carries on when it starts again. Follow it with \
            `baton backfills ID`; stop it, queued and running runs alike, with \
            `baton cancel --backfill ID`.

              $ baton backfill sales-etl --from 2026-01-01 --to 2026-02-01 --max-parallel 2
              backfill 3 of sales-etl: 31 slots
                from 2026-01-01T03:00:00Z to 2026-02-01T03:00:00Z (exclusive)
                29 runs queued, 2 skipped (already had a run); at most 2 at once
                follow: baton backfills 3   stop: baton cancel --backfill 3

            At most \(Operations.backfillSlotLimit) slots per backfill; split a longer range.

            Exit status: 0 recorded, 1 no daemon runs, the pipeline has no schedule or the \
            store failed, 2 for a usage error (an unknown pipeline, a bad range, too many \
            slots, a parameter without a default).
            """)

    @OptionGroup var options: StateOptions

    @Argument(help: "The name of a live pipeline with a schedule.")
    var pipeline: String

    @Option(name: .long, help: ArgumentHelp("The first instant of the range (inclusive): an RFC 3339 instant, or a date read in the schedule's time zone.", valueName: "instant|date"))
    var from: String

    @Option(name: .long, help: ArgumentHelp("The end of the range (exclusive): an RFC 3339 instant, or a date read in the schedule's time zone.", valueName: "instant|date"))
    var to: String

    @Option(name: .long, help: "How many of the backfill's runs may be active at once (1 to \(Operations.backfillParallelLimit)).")
    var maxParallel = 1

    @Flag(name: .long, help: "Print only JSON: the backfill and its counts.")
    var json = false

    func validate() throws {
        guard BackfillBound(from) != nil else { throw ValidationError("--from \"\(from)\" is neither an RFC 3339 instant (2026-01-01T00:00:00Z) nor a date (2026-01-01)") }
        guard BackfillBound(to) != nil else { throw ValidationError("--to \"\(to)\" is neither an RFC 3339 instant (2026-02-01T00:00:00Z) nor a date (2026-02-01)") }
        guard (1...Operations.backfillParallelLimit).contains(maxParallel) else {
            throw ValidationError("--max-parallel must be between 1 and \(Operations.backfillParallelLimit), not \(maxParallel)")
        }
    }

    func run() async throws {
        try await reportingFailures(json: json) {
            let operations = try options.operations()
            guard let from = BackfillBound(from), let to = BackfillBound(to) else { throw ExitCode(2) }
            let request = BackfillRequest(pipeline: pipeline, from: from, to: to, maxParallel: maxParallel)
            let backfill = try await operation(usage: [.unknownPipeline]) { () async throws(OperationError) in
                try await operations.backfill(request, by: .operatingSystemUser)
            }
            if json {
                Output.json(BackfillsCommand.json(backfill))
            } else {
                Output.text(Self.text(backfill))
            }
        }
    }

    static func text(_ backfill: BackfillSummary) -> String {
        var lines = [
            "backfill \(backfill.id) of \(backfill.pipeline): \(backfill.slots) slot\(backfill.slots == 1 ? "" : "s")",
            "  from \(RFC3339.utcString(backfill.from)) to \(RFC3339.utcString(backfill.to)) (exclusive)",
        ]
        lines.append("  \(backfill.created) run\(backfill.created == 1 ? "" : "s") queued, \(backfill.skipped) skipped (already had a run); at most \(backfill.maxParallel) at once")
        if backfill.state == .running {
            lines.append("  follow: baton backfills \(backfill.id)   stop: baton cancel --backfill \(backfill.id)")
        } else {
            lines.append("  nothing to run: \(backfill.state.rawValue)")
        }
        return lines.joined(separator: "\n")
    }
}

/// `baton backfills [ID]`: the backfills and how far each has come.
struct BackfillsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfills",
        abstract: "List backfills, newest first, or show one with its runs' states.",
        discussion: """
              $ baton backfills
              ID  PIPELINE   STATE      FROM                  TO                    SLOTS  SKIPPED  DONE  ACTIVE  QUEUED
              3   sales-etl  running    2026-01-01T05:00:00Z  2026-02-01T05:00:00Z  31     2        12    2       15

            DONE counts the runs that ended (succeeded, failed, cancelled, timed out), of \
            those `keepRuns` still keeps.

            Exit status: 0 success, 1 an unknown backfill or a store that cannot be read, 2 for a usage error.
            """)

    @OptionGroup var options: StateOptions

    @Argument(help: "One backfill's id: show it with its runs by state.")
    var id: Int64?

    @Option(name: .long, help: "Only this pipeline's backfills.")
    var pipeline: String?

    @Option(name: .long, help: "How many backfills to list.")
    var limit = 20

    @Flag(name: .long, help: "Print only JSON.")
    var json = false

    func validate() throws {
        guard (1...1_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000, not \(limit)") }
    }

    func run() async throws {
        try await reportingFailures(json: json) {
            let operations = try options.operations()
            if let id {
                let backfill = try await operation { () async throws(OperationError) in try await operations.backfill(id: id) }
                if json { Output.json(Self.json(backfill)) } else { Output.text(Self.detail(backfill)) }
                return
            }
            let backfills = try await operation { () async throws(OperationError) in try await operations.backfills(pipeline: pipeline, limit: limit) }
            if json {
                Output.json(JSONOut.object([("backfills", JSONOut.array(backfills.map(Self.json)))]))
                return
            }
            var rows = [["ID", "PIPELINE", "STATE", "FROM", "TO", "SLOTS", "SKIPPED", "DONE", "ACTIVE", "QUEUED"]]
            for backfill in backfills {
                rows.append([String(backfill.id), backfill.pipeline, backfill.state.rawValue, RFC3339.utcString(backfill.from), RFC3339.utcString(backfill.to),
                             String(backfill.slots), String(backfill.skipped), String(Self.ended(backfill)), String(backfill.runs["running"] ?? 0),
                             String(backfill.runs["queued"] ?? 0)])
            }
            Output.text(backfills.isEmpty ? "no backfills yet" : Table.render(rows).joined(separator: "\n"))
        }
    }

    static func ended(_ backfill: BackfillSummary) -> Int {
        backfill.runs.filter { $0.key != "queued" && $0.key != "running" }.values.reduce(0, +)
    }

    static func detail(_ backfill: BackfillSummary) -> String {
        var lines = [
            "backfill \(backfill.id) of \(backfill.pipeline) (version \(backfill.versionID)): \(backfill.state.rawValue)",
            "  range: \(RFC3339.utcString(backfill.from)) to \(RFC3339.utcString(backfill.to)) (to exclusive), at most \(backfill.maxParallel) at once",
            "  requested by \(backfill.requestedBy) at \(RFC3339.utcString(backfill.createdAt))\(backfill.finishedAt.map { "; ended \(RFC3339.utcString($0))" } ?? "")",
            "  slots: \(backfill.slots), skipped \(backfill.skipped) (already had a run), runs made \(backfill.created)",
        ]
        if !backfill.runs.isEmpty {
            lines.append("  runs: " + backfill.runs.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        }
        if let reason = backfill.reason { lines.append("  reason: \(reason)") }
        return lines.joined(separator: "\n")
    }

    static func json(_ backfill: BackfillSummary) -> JSONValue {
        JSONOut.object([
            ("id", JSONOut.int(Int(backfill.id))), ("pipeline", JSONOut.string(backfill.pipeline)), ("versionID", JSONOut.int(Int(backfill.versionID))),
            ("state", JSONOut.string(backfill.state.rawValue)), ("from", JSONOut.date(backfill.from)), ("to", JSONOut.date(backfill.to)),
            ("maxParallel", JSONOut.int(backfill.maxParallel)), ("requestedBy", JSONOut.string(backfill.requestedBy)),
            ("createdAt", JSONOut.date(backfill.createdAt)), ("finishedAt", JSONOut.date(backfill.finishedAt)),
            ("slots", JSONOut.int(backfill.slots)), ("skipped", JSONOut.int(backfill.skipped)), ("created", JSONOut.int(backfill.created)),
            ("runs", JSONOut.object(backfill.runs.sorted { $0.key < $1.key }.map { ($0.key, JSONOut.int($0.value)) })),
            ("reason", JSONOut.string(backfill.reason)),
        ])
    }
}
