import ArgumentParser
import BatonManifest
import BatonOperations
import Foundation

/// `baton history PIPELINE`: every version of one pipeline, who made it and what changed.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List the versions of a pipeline, newest first, with who changed what.",
        discussion: """
            Each applied change makes an immutable version: its number, the change (create, \
            update, retire, revive), the commit that wrote the manifest and its author, who \
            merged it when it came through a merge, when Baton applied it, the file, and the \
            changed fields as JSON pointers with their old and new values.

              $ baton history sales-etl
              sales-etl: 2 versions, active
              v2  update  bb81c0ff3e21  Bo Chen <bo@example.com>  authored 2026-03-02T09:00:00Z  applied 2026-03-02T09:05:00Z  manifests/sales.json
                  /schedule/cron: "0 2 * * *" → "0 3 * * *"
              v1  create  3f2a9c1d0e4b  Ana Lima <ana@example.com>  authored 2026-03-01T10:00:00Z  applied 2026-03-01T10:01:00Z  manifests/sales.json

            Exit status: 0 success, 1 when the pipeline is unknown (the message lists close \
            names), nothing has been reconciled yet, or the store cannot be read; 2 for a \
            usage error.
            """)

    @OptionGroup var options: StateOptions

    @Argument(help: "The pipeline's name (its manifest's \"name\" field).")
    var pipeline: String

    @Flag(name: .long, help: "Print one JSON object with every version, and nothing else.")
    var json = false

    func run() async throws {
        try await reportingFailures(json: json) {
            let operations = try options.operations()
            let history = try await operation { () async throws(OperationError) in try await operations.history(pipeline) }
            if json { Output.json(Self.jsonValue(history)) } else { Output.text(Self.text(history), terminator: "") }
        }
    }

    static func text(_ history: PipelineHistory) -> String {
        let versions = history.versions
        var lines = ["\(history.pipeline): \(versions.count) version\(versions.count == 1 ? "" : "s"), \(history.state.rawValue)"]
        let rows = versions.map { version in
            var row = [
                "v\(version.number)", version.change.rawValue, version.commit.short, version.commit.author.description,
                "authored \(Times.utc(version.commit.authorTime))", "applied \(Times.utc(version.appliedAt))", version.file,
            ]
            if let merge = version.mergeCommit {
                row.append("merged" + (version.mergedBy.map { " by \($0)" } ?? "") + " in \(merge.prefix(12))")
            }
            if let signer = version.signer {
                row.append("signed by \(signer.description)")
            }
            return row
        }
        for (version, line) in zip(versions, Table.render(rows)) {
            lines.append(line)
            for change in version.fields {
                lines.append("    \(change.pointer.isEmpty ? "/" : change.pointer): \(change.old ?? "(absent)") → \(change.new ?? "(absent)")")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func jsonValue(_ history: PipelineHistory) -> JSONValue {
        JSONOut.object([
            ("pipeline", JSONOut.string(history.pipeline)),
            ("state", JSONOut.string(history.state.rawValue)),
            ("currentVersion", JSONOut.int(history.currentVersion)),
            ("versions", JSONOut.array(history.versions.map { version in
                JSONOut.object([
                    ("number", JSONOut.int(version.number)), ("change", JSONOut.string(version.change.rawValue)),
                    ("commit", JSONOut.commit(version.commit)), ("revisionCommit", JSONOut.string(version.revisionCommit)),
                    ("mergeCommit", JSONOut.string(version.mergeCommit)), ("mergedBy", JSONOut.person(version.mergedBy)),
                    ("appliedAt", JSONOut.date(version.appliedAt)), ("file", JSONOut.string(version.file)),
                    ("fields", JSONOut.array(version.fields.map(JSONOut.fieldChange))),
                    ("signer", JSONOut.signer(version.signer)),
                ])
            })),
        ])
    }
}
