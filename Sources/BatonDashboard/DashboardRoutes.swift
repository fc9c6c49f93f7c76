/// Every URL the dashboard links to or posts to, in one place.
///
/// The pages build their links from this and the server registers its routes from the same
/// value, so a link and the route that answers it cannot drift apart. Names and task ids are
/// percent-encoded as path segments: a pipeline called `a/b?c` still links to itself.
public struct DashboardRoutes: Sendable, Hashable {
    /// Where the dashboard is mounted, without a trailing slash (`/ui`).
    public var prefix: String

    public init(prefix: String = "/ui") {
        self.prefix = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
    }

    /// The stylesheet's fixed path; the route serves `Dashboard.stylesheet` here.
    public var stylesheetPath: String { "\(prefix)/baton.css" }
    /// What pages link: the path plus the content hash, so a browser may cache it forever
    /// and still sees a new stylesheet the moment one ships.
    public var stylesheet: String { "\(stylesheetPath)?v=\(Stylesheet.hash)" }

    public var pipelines: String { "\(prefix)/pipelines" }
    public var commits: String { "\(prefix)/commits" }
    public var signIn: String { "\(prefix)/sign-in" }
    public var signOut: String { "\(prefix)/sign-out" }

    public func pipeline(_ name: String) -> String { "\(prefix)/pipelines/\(segment(name))" }
    /// POST; the form's fields are `csrf` and one `param.NAME` per declared parameter.
    public func trigger(_ name: String) -> String { "\(pipeline(name))/trigger" }
    /// POST; fields `csrf` and `reason`.
    public func suspend(_ name: String) -> String { "\(pipeline(name))/suspend" }
    /// POST; field `csrf`.
    public func resume(_ name: String) -> String { "\(pipeline(name))/resume" }

    public func run(_ id: Int64) -> String { "\(prefix)/runs/\(id)" }
    /// POST; field `csrf`.
    public func cancel(_ id: Int64) -> String { "\(run(id))/cancel" }
    /// POST; field `csrf`.
    public func retry(_ id: Int64) -> String { "\(run(id))/retry" }

    /// The Server-Sent Events stream of one attempt's log. `offset` is the byte offset the
    /// page has already shown, so the stream continues where the server-rendered lines end.
    public func logStream(run id: Int64, task: String, attempt: Int, offset: Int? = nil) -> String {
        let path = "\(run(id))/tasks/\(segment(task))/attempts/\(attempt)/log/stream"
        guard let offset else { return path }
        return "\(path)?offset=\(offset)"
    }

    /// The prefix of the trigger form's parameter fields (`param.region`).
    public static let parameterFieldPrefix = "param."
    /// The name of the hidden field every form carries.
    public static let csrfField = "csrf"

    /// Percent-encodes everything outside RFC 3986's unreserved set, so a segment stays one
    /// segment whatever it holds.
    func segment(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }
}
