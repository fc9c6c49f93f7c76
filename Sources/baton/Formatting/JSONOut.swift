import BatonManifest
import BatonOperations
import BatonReconciler
import BatonStore
import Foundation

/// Builds the `--json` output of the reconciler commands as `JSONValue`s, written with
/// `JSONWriter.canonical` like `validate --json`: keys sorted, so the output is stable, and
/// instants as RFC 3339 UTC (`2026-03-08T06:30:00Z`).
enum JSONOut {
    static func string(_ text: String?) -> JSONValue {
        text.map { JSONValue(.string($0), offset: 0) } ?? null
    }

    static func int(_ value: Int?) -> JSONValue {
        value.map { JSONValue(.number(JSONNumber(double: Double($0), integer: Int64($0))), offset: 0) } ?? null
    }

    static func bool(_ value: Bool) -> JSONValue { JSONValue(.bool(value), offset: 0) }

    static let null = JSONValue(.null, offset: 0)

    static func date(_ instant: Date?) -> JSONValue { string(instant.map(RFC3339.utcString)) }

    static func array(_ elements: [JSONValue]) -> JSONValue { JSONValue(.array(elements), offset: 0) }

    static func object(_ fields: [(String, JSONValue)]) -> JSONValue {
        JSONValue(.object(fields.map { JSONMember(key: $0.0, keyOffset: 0, value: $0.1) }), offset: 0)
    }

    /// A value stored as canonical JSON text (a field's old or new value), embedded as JSON
    /// rather than as a string of JSON; null when absent.
    static func raw(_ text: String?) -> JSONValue {
        guard let text else { return null }
        return (try? JSONReader().read(Array(text.utf8)).root) ?? string(text)
    }

    /// The whole output: one line.
    static func render(_ value: JSONValue) -> String { JSONWriter.canonical(value) + "\n" }

    // MARK: Shared shapes

    static func person(_ person: Person?) -> JSONValue {
        guard let person else { return null }
        return object([("name", string(person.name)), ("email", string(person.email))])
    }

    /// `{"method": "ssh", "identity": "…", "key": "…"}`, or null for a commit not verified.
    static func signer(_ signer: CommitSigner?) -> JSONValue {
        guard let signer else { return null }
        return object([("method", string(signer.method.rawValue)), ("identity", string(signer.identity)), ("key", string(signer.key))])
    }

    static func commit(_ stamp: CommitStamp) -> JSONValue {
        object([
            ("id", string(stamp.id)), ("author", person(stamp.author)), ("authorTime", date(stamp.authorTime)),
            ("committer", person(stamp.committer)), ("commitTime", date(stamp.commitTime)), ("subject", string(stamp.subject)),
        ])
    }

    /// A diagnostic as the operations library carries it, in the same fields.
    static func diagnostic(_ diagnostic: DiagnosticInfo) -> JSONValue {
        object([
            ("file", string(diagnostic.file)), ("line", int(diagnostic.line)), ("column", int(diagnostic.column)),
            ("pointer", string(diagnostic.pointer)), ("severity", string(diagnostic.severity)),
            ("code", string(diagnostic.code)), ("message", string(diagnostic.message)),
            ("formatted", string(diagnostic.formatted)),
        ])
    }

    /// The same fields as `validate --json`.
    static func diagnostic(_ diagnostic: Diagnostic) -> JSONValue {
        object([
            ("file", string(diagnostic.file)), ("line", int(diagnostic.line)), ("column", int(diagnostic.column)),
            ("pointer", string(diagnostic.pointer)), ("severity", string(diagnostic.severity.rawValue)),
            ("code", string(diagnostic.code.rawValue)), ("message", string(diagnostic.message)),
            ("formatted", string(diagnostic.formatted)),
        ])
    }

    static func fieldChange(_ change: FieldChange) -> JSONValue {
        object([("pointer", string(change.pointer)), ("old", raw(change.old)), ("new", raw(change.new))])
    }

    static func summary(_ summary: PlanSummary) -> JSONValue {
        object([
            ("create", int(summary.creates)), ("update", int(summary.updates)), ("retire", int(summary.retires)),
            ("revive", int(summary.revives)), ("unchanged", int(summary.unchanged)),
        ])
    }

    static func schedule(_ summary: ScheduleSummary?) -> JSONValue {
        guard let summary else { return null }
        return object([
            ("description", string(summary.description)), ("timeZone", string(summary.timeZone)),
            ("next", array(summary.next.map { date($0) })),
            ("triggers", array(summary.triggers.map { string($0) })), ("onFailure", string(summary.onFailure)),
        ])
    }
}
