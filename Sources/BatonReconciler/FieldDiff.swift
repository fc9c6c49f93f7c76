import Foundation
import BatonManifest
import BatonStore

/// The fields that differ between two specs, as JSON pointers (RFC 6901).
///
/// Objects are compared key by key, so a changed cron expression is `/schedule/cron`, not
/// "the schedule". Arrays of the same length are compared element by element (a task's
/// command is `/tasks/1/run`); an array that grew or shrank is reported whole, since
/// positions no longer line up and element-wise pointers would mislead a reviewer.
enum FieldDiff {
    static func changes(from old: String, to new: String) -> [FieldChange] {
        guard let oldRoot = try? JSONReader().read(Array(old.utf8)).root,
              let newRoot = try? JSONReader().read(Array(new.utf8)).root
        else { return old == new ? [] : [FieldChange(pointer: "", old: old, new: new)] }
        var changes: [FieldChange] = []
        compare(oldRoot, newRoot, pointer: "", into: &changes)
        return changes
    }

    private static func compare(_ old: JSONValue?, _ new: JSONValue?, pointer: String, into changes: inout [FieldChange]) {
        switch (old?.kind, new?.kind) {
        case let (.object(oldMembers)?, .object(newMembers)?):
            var oldByKey: [String: JSONValue] = [:]
            for member in oldMembers { oldByKey[member.key] = member.value }
            var newByKey: [String: JSONValue] = [:]
            for member in newMembers { newByKey[member.key] = member.value }
            for key in Set(oldByKey.keys).union(newByKey.keys).sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
                compare(oldByKey[key], newByKey[key], pointer: pointer + "/" + escape(key), into: &changes)
            }
        case let (.array(oldElements)?, .array(newElements)?) where oldElements.count == newElements.count:
            for index in oldElements.indices {
                compare(oldElements[index], newElements[index], pointer: "\(pointer)/\(index)", into: &changes)
            }
        default:
            let oldText = old.map(JSONWriter.canonical)
            let newText = new.map(JSONWriter.canonical)
            if oldText != newText { changes.append(FieldChange(pointer: pointer, old: oldText, new: newText)) }
        }
    }

    /// RFC 6901: `~` is `~0`, `/` is `~1`.
    private static func escape(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
