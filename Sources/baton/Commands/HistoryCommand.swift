import ArgumentParser
import BatonManifest
import BatonStore
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
            let store = try options.existingStore()
            let (record, versions) = try await load(store)
            if json { Output.json(Self.jsonValue(record, versions)) } else { Output.text(Self.text(record, versions), terminator: "") }
        }
    }

    func load(_ store: SQLiteStore) async throws(CommandFailure) -> (PipelineRecord, [PipelineVersion]) {
        do {
            guard let record = try await store.pipelines(named: [pipeline]).first else {
                let names = try await store.pipelines().map(\.name)
                let close = Nearby.names(to: pipeline, among: names)
                var message = "no pipeline named \"\(pipeline)\" has ever been applied"
                if !close.isEmpty {
                    message += "; did you mean \(close.map { "\"\($0)\"" }.joined(separator: ", "))?"
                } else if names.isEmpty {
                    message += "; nothing has been applied yet"
                } else {
                    message += "; `baton status` lists the pipelines"
                }
                throw CommandFailure(message, code: "unknown-pipeline")
            }
            return (record, try await store.versions(of: pipeline))
        } catch let error as StoreError {
            throw CommandFailure(error)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    static func text(_ record: PipelineRecord, _ versions: [PipelineVersion]) -> String {
        var lines = ["\(record.name): \(versions.count) version\(versions.count == 1 ? "" : "s"), \(record.state.rawValue)"]
        let rows = versions.map { version in
            var row = [
                "v\(version.number)", version.changeKind.rawValue, version.commit.short, version.commit.author.description,
                "authored \(Times.utc(version.commit.authorTime))", "applied \(Times.utc(version.appliedAt))", version.filePath,
            ]
            if let merge = version.mergeCommit {
                row.append("merged" + (version.mergedBy.map { " by \($0)" } ?? "") + " in \(merge.prefix(12))")
            }
            return row
        }
        for (version, line) in zip(versions, Table.render(rows)) {
            lines.append(line)
            for change in version.changes {
                lines.append("    \(change.pointer.isEmpty ? "/" : change.pointer): \(change.old ?? "(absent)") → \(change.new ?? "(absent)")")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func jsonValue(_ record: PipelineRecord, _ versions: [PipelineVersion]) -> JSONValue {
        JSONOut.object([
            ("pipeline", JSONOut.string(record.name)),
            ("state", JSONOut.string(record.state.rawValue)),
            ("currentVersion", JSONOut.int(record.version)),
            ("versions", JSONOut.array(versions.map { version in
                JSONOut.object([
                    ("number", JSONOut.int(version.number)), ("change", JSONOut.string(version.changeKind.rawValue)),
                    ("commit", JSONOut.commit(version.commit)), ("revisionCommit", JSONOut.string(version.revisionCommit)),
                    ("mergeCommit", JSONOut.string(version.mergeCommit)), ("mergedBy", JSONOut.person(version.mergedBy)),
                    ("appliedAt", JSONOut.date(version.appliedAt)), ("file", JSONOut.string(version.filePath)),
                    ("fields", JSONOut.array(version.changes.map(JSONOut.fieldChange))),
                ])
            })),
        ])
    }
}

/// "Did you mean …?" for pipeline names: the names a typo away, or sharing a part.
enum Nearby {
    static func names(to word: String, among candidates: [String], limit: Int = 5) -> [String] {
        let lowered = word.lowercased()
        let scored = candidates.compactMap { candidate -> (String, Int)? in
            let other = candidate.lowercased()
            let distance = editDistance(Array(lowered.utf8), Array(other.utf8))
            if distance <= max(2, word.count / 3) { return (candidate, distance) }
            if lowered.count >= 3, other.contains(lowered) || lowered.contains(other) { return (candidate, 100) }
            return nil
        }
        return scored.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).map(\.0)
    }

    /// Levenshtein distance.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
