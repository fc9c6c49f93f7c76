/// Why the state store refused or failed an operation.
///
/// A struct with a stable `code`, like `GitError`: adding a code never breaks a caller, and
/// the CLI prints the code in brackets and in `--json` so scripts can match on it.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The database file cannot be opened or created (permissions, missing folder, not
        /// a database).
        public static let open = Code(rawValue: "store-open")
        /// The database was written by a newer Baton whose migrations this one does not know;
        /// opening it anyway could corrupt what the newer version relies on.
        public static let newerSchema = Code(rawValue: "store-newer-schema")
        /// Another writer applied a revision between this pass's read and its write (two
        /// reconcilers on one store); the pass is safe to run again.
        public static let conflict = Code(rawValue: "store-conflict")
        /// A row the caller named does not exist.
        public static let notFound = Code(rawValue: "store-not-found")
        /// The database reported an error (disk full, locked past the busy timeout, I/O).
        public static let database = Code(rawValue: "store-database")
        /// A stored row holds a value this Baton cannot read (a date that is not a date, an
        /// empty required column): the database was edited by hand or damaged.
        public static let unreadable = Code(rawValue: "store-unreadable")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "[\(code)] \(message)" }
}
