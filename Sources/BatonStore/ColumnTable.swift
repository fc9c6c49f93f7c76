import GRDB

/// The columns of one table as one list: each column's name and how a record's value is
/// written. The insert and update statements, their arguments and GRDB's persistence
/// container all come from it, so a new column is one line here (and a migration), not five
/// lists kept in step by hand. Reading stays in each record's `init(row:)`, where every
/// column is decoded with an error that names it.
struct ColumnTable<Record>: Sendable {
    struct Column: Sendable {
        let name: String
        let value: @Sendable (Record) -> (any DatabaseValueConvertible)?

        init(_ name: String, _ value: @escaping @Sendable (Record) -> (any DatabaseValueConvertible)?) {
            self.name = name
            self.value = value
        }
    }

    let table: String
    /// The columns a record writes, in statement order; `id` is not among them (SQLite
    /// assigns it, and updates name it last).
    let columns: [Column]
    /// `INSERT INTO table (a, b, …) VALUES (?, ?, …)`.
    let insertSQL: String
    /// `UPDATE table SET a = ?, b = ?, … WHERE id = ?`.
    let updateSQL: String

    init(_ table: String, _ columns: [Column]) {
        self.table = table
        self.columns = columns
        let names = columns.map(\.name)
        insertSQL = "INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))"
        updateSQL = "UPDATE \(table) SET \(names.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"
    }

    /// The insert statement's arguments.
    func arguments(_ record: Record) -> StatementArguments {
        StatementArguments(columns.map { $0.value(record) })
    }

    /// The update statement's arguments: the columns, then the id.
    func arguments(_ record: Record, id: Int64) -> StatementArguments {
        StatementArguments(columns.map { $0.value(record) } + [id])
    }

    /// Every column (and the id, when known) into GRDB's container, for its record methods.
    func encode(_ record: Record, id: Int64?, to container: inout PersistenceContainer) {
        container["id"] = id
        for column in columns { container[column.name] = column.value(record) }
    }
}
