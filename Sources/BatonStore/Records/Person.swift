/// Someone named in a commit or acting on Baton: a commit's author or committer, the person
/// who merged a pull request, or an operator.
public struct Person: Sendable, Hashable, Codable, CustomStringConvertible {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    /// `Ada Lovelace <ada@example.com>`, as Git prints a signature.
    public var description: String { email.isEmpty ? name : "\(name) <\(email)>" }
}
