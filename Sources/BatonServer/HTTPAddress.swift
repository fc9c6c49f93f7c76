/// Where the server listens: `--http HOST:PORT` (`127.0.0.1:8470`, `[::1]:8470`,
/// `0.0.0.0:8470`); port 0 picks a free port (tests).
public struct HTTPAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Reads `HOST:PORT`; an IPv6 host goes in brackets.
    public init(parsing text: String) throws(HTTPServerError) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw HTTPServerError(.invalidAddress, "\"\(text)\" is not [IPV6]:PORT")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                throw HTTPServerError(.invalidAddress, "\"\(text)\" is not HOST:PORT, like 127.0.0.1:8470")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else { throw HTTPServerError(.invalidAddress, "\"\(text)\" has no host; write 127.0.0.1:PORT, or 0.0.0.0:PORT for every interface") }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw HTTPServerError(.invalidAddress, "\"\(portText)\" in \"\(text)\" is not a port from 0 to 65535")
        }
        self.init(host: String(host), port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
