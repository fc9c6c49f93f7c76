import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Debian's `chromium`, headless, driven over the DevTools protocol: a fresh profile per
/// browser, killed with its whole process group when done.
///
/// The protocol is JSON over a WebSocket. Foundation's WebSocket task needs a libcurl built
/// with WebSocket support, which Debian's is not, so `DevToolsSocket` speaks the few frames
/// needed itself (RFC 6455, client side), with blocking calls on a Dispatch thread and a
/// receive timeout so a stuck browser fails the test instead of hanging it.
final class HeadlessChromium: @unchecked Sendable {
    static let executable = "/usr/bin/chromium"

    let profile: String
    /// Chromium's pid, also its process group: its zygote, GPU and renderer children share it.
    let pid: pid_t
    let page: DevToolsSocket

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    /// Starts the browser with one blank page and connects to that page.
    init(profile: String) async throws {
        self.profile = profile
        try FileManager.default.createDirectory(atPath: profile, withIntermediateDirectories: true)
        var arguments = [
            "--headless", "--disable-gpu", "--remote-debugging-port=0", "--user-data-dir=\(profile)",
            "--no-first-run", "--no-default-browser-check", "--hide-scrollbars", "--mute-audio", "--disable-extensions",
            "--disable-background-networking", "--disable-dev-shm-usage", "--remote-allow-origins=*", "--disable-crash-reporter",
        ]
        // Chromium refuses to run as root with its sandbox on (the sandbox needs an
        // unprivileged user namespace it will not set up for uid 0); CI containers run as root.
        if geteuid() == 0 { arguments.append("--no-sandbox") }
        arguments.append("about:blank")
        pid = try Self.spawn(Self.executable, arguments)
        do {
            trace("chromium started")
            let port = try await Self.devToolsPort(profile: profile)
            trace("devtools port \(port)")
            let target = try await Self.blocking { try Self.firstPageTarget(port: port) }
            page = try await Self.blocking { try DevToolsSocket(port: port, path: "/devtools/page/\(target)") }
        } catch {
            Self.end(pid)
            throw error
        }
    }

    /// Kills the browser's process group and waits for it.
    func close() {
        page.close()
        Self.end(pid)
    }

    static func end(_ pid: pid_t) {
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    /// posix_spawn in a new process group, output to /dev/null. Not Foundation's `Process`:
    /// a group of its own lets one signal end every chromium process, and reaping it here
    /// leaves nothing to Foundation's child monitoring.
    static func spawn(_ path: String, _ arguments: [String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard result == 0 else { throw DevToolsError(message: "cannot start \(path): \(String(cString: strerror(result)))") }
        return pid
    }

    /// Chromium writes the port it chose to `DevToolsActivePort` in the profile.
    static func devToolsPort(profile: String) async throws -> Int {
        var port: Int?
        try await eventually(timeout: .seconds(20), "chromium's DevToolsActivePort") {
            guard let text = try? String(contentsOfFile: "\(profile)/DevToolsActivePort", encoding: .utf8),
                  let first = text.split(separator: "\n").first, let value = Int(first) else { return false }
            port = value
            return true
        }
        return port!
    }

    /// The id of the browser's first page, from the `/json/list` endpoint.
    static func firstPageTarget(port: Int) throws -> String {
        let data = try DevToolsSocket.httpGet(port: port, path: "/json/list")
        let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
        guard let id = list.first(where: { $0["type"] as? String == "page" })?["id"] as? String else {
            throw DevToolsError(message: "chromium lists no page: \(String(decoding: data, as: UTF8.self))")
        }
        return id
    }

    // MARK: Page

    /// One protocol call on the page.
    @discardableResult
    func call(_ method: String, _ params: [String: Any] = [:]) async throws -> [String: Any] {
        trace("cdp \(method)")
        let page = self.page
        let body = try JSONSerialization.data(withJSONObject: params)
        let answer = try await Self.blocking { try page.call(method, paramsJSON: body) }
        return try JSONSerialization.jsonObject(with: answer) as? [String: Any] ?? [:]
    }

    /// Evaluates a JavaScript expression in the page; its value (JSON-able).
    @discardableResult
    func evaluate(_ expression: String) async throws -> Any? {
        let result = try await call("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] {
            throw DevToolsError(message: "\(expression) threw: \(exception)")
        }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Goes to `url` and waits until the document has loaded.
    func navigate(_ url: String) async throws {
        try await call("Page.navigate", ["url": url])
        try await eventually(timeout: .seconds(20), "\(url) to load") {
            try await self.evaluate("document.readyState === 'complete' && location.href !== 'about:blank'") as? Bool == true
        }
    }

    /// Sets the viewport: a phone (`mobile`, touch) below 500 px.
    func viewport(width: Int, height: Int) async throws {
        try await call("Emulation.setDeviceMetricsOverride", ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500])
    }

    /// A PNG of the whole page at `width`, written to `path`.
    func screenshot(width: Int, to path: String) async throws {
        try await viewport(width: width, height: width < 500 ? 844 : 1080)
        let height = try await evaluate("Math.ceil(document.documentElement.scrollHeight)") as? Int ?? 1080
        try await viewport(width: width, height: min(max(height, width < 500 ? 844 : 1080), 8000))
        let shot = try await call("Page.captureScreenshot", ["format": "png"])
        guard let base64 = shot["data"] as? String, let data = Data(base64Encoded: base64) else {
            throw DevToolsError(message: "no screenshot data")
        }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// Runs blocking socket work off Swift's cooperative pool, on a thread of its own: the
    /// daemon under test keeps Dispatch's few global worker threads busy with blocking
    /// reads, and a call queued behind them would wait for ever.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}

struct DevToolsError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A client WebSocket on a loopback TCP socket, enough for the DevTools protocol: text frames
/// out (masked, as clients must), text frames in (possibly fragmented, 16/64-bit lengths),
/// pings answered, one request at a time.
final class DevToolsSocket: @unchecked Sendable {
    private let fd: Int32
    private var nextID = 1
    private var buffer: [UInt8] = []

    init(port: Int, path: String) throws {
        fd = try Self.connect(port: port)
        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        try send(Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n".utf8))
        let head = try readHead()
        guard head.hasPrefix("HTTP/1.1 101") else {
            Glibc.close(fd)
            throw DevToolsError(message: "the WebSocket upgrade was refused: \(head)")
        }
    }

    func close() {
        Glibc.close(fd)
    }

    /// Sends a command and returns its `result` as JSON, skipping the events that arrive
    /// meanwhile.
    func call(_ method: String, paramsJSON: Data) throws -> Data {
        let id = nextID
        nextID += 1
        let message = "{\"id\":\(id),\"method\":\"\(method)\",\"params\":\(String(decoding: paramsJSON, as: UTF8.self))}"
        try sendFrame(opcode: 0x1, Array(message.utf8))
        while true {
            let text = try readMessage()
            guard let object = try JSONSerialization.jsonObject(with: Data(text)) as? [String: Any], object["id"] as? Int == id else { continue }
            if let error = object["error"] { throw DevToolsError(message: "\(method): \(error)") }
            return try JSONSerialization.data(withJSONObject: object["result"] as? [String: Any] ?? [:])
        }
    }

    // MARK: Frames

    private func sendFrame(opcode: UInt8, _ payload: [UInt8]) throws {
        var frame: [UInt8] = [0x80 | opcode]
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            frame.append(0x80 | 126)
            frame += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            frame.append(0x80 | 127)
            frame += (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
        }
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        try send(frame)
    }

    private func readMessage() throws -> [UInt8] {
        var message: [UInt8] = []
        while true {
            let header = try read(2)
            let opcode = header[0] & 0x0F
            let final = header[0] & 0x80 != 0
            var length = Int(header[1] & 0x7F)
            if length == 126 {
                let bytes = try read(2)
                length = Int(bytes[0]) << 8 | Int(bytes[1])
            } else if length == 127 {
                length = try read(8).reduce(0) { $0 << 8 | Int($1) }
            }
            let mask = header[1] & 0x80 != 0 ? try read(4) : nil
            var payload = try read(length)
            if let mask { payload = payload.enumerated().map { $0.element ^ mask[$0.offset % 4] } }
            switch opcode {
            case 0x8: throw DevToolsError(message: "chromium closed the DevTools connection")
            case 0x9: try sendFrame(opcode: 0xA, payload)
            case 0xA: break
            default:
                message += payload
                if final { return message }
            }
        }
    }

    private func readHead() throws -> String {
        while true {
            if let end = buffer.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
                buffer.removeSubrange(..<end.upperBound)
                return head
            }
            try fill()
        }
    }

    private func read(_ count: Int) throws -> [UInt8] {
        while buffer.count < count { try fill() }
        defer { buffer.removeFirst(count) }
        return Array(buffer[..<count])
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let got = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard got > 0 else { throw DevToolsError(message: got == 0 ? "chromium closed the connection" : "no answer from chromium in time (errno \(errno))") }
        buffer += chunk[..<got]
    }

    private func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw DevToolsError(message: "cannot write to chromium (errno \(errno))") }
            sent += n
        }
    }

    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DevToolsError(message: "socket failed") }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            Glibc.close(fd)
            throw DevToolsError(message: "cannot connect to chromium on port \(port) (errno \(errno))")
        }
        return fd
    }

    /// A plain HTTP GET on the DevTools port (`/json/list`), read to the end.
    static func httpGet(port: Int, path: String) throws -> Data {
        let fd = try connect(port: port)
        defer { Glibc.close(fd) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var all: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let got = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if got <= 0 { break }
            all += chunk[..<got]
        }
        guard let end = all.firstRange(of: Array("\r\n\r\n".utf8)) else { throw DevToolsError(message: "no HTTP answer from chromium") }
        return Data(all[end.upperBound...])
    }
}

/// Progress lines on stderr when `BATON_TEST_LOG` is set, for a browser test that stalls.
func trace(_ line: String) {
    if ProcessInfo.processInfo.environment["BATON_TEST_LOG"] != nil { FileHandle.standardError.write(Data("[browser] \(Date().timeIntervalSince1970) \(line)\n".utf8)) }
}
