import CGit2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// libgit2's TCP stream, replaced by one whose connect, read and write give up at a deadline.
///
/// libgit2 1.5 has no socket timeout option, and a remote that accepts a connection and then
/// says nothing would block a fetch forever. Registered once as libgit2's standard stream,
/// it carries git://, http:// and (under libgit2's TLS layer, which wraps the standard
/// stream) https://. The deadline belongs to the thread running the fetch: libgit2 runs a
/// fetch synchronously on the caller's thread, so `GitMirror` sets it around
/// `git_remote_fetch` and every stream opened meanwhile inherits it. Without a deadline the
/// stream waits as long as the plain socket would.
///
/// ssh:// connects through it too, but libgit2 then gives the bare descriptor to libssh2;
/// for that case a watchdog shuts the socket down shortly after the deadline.
enum DeadlineStream {
    private static let deadlineKey = "baton.git.fetchDeadline"

    /// Runs `body` with a deadline for every stream it opens on this thread.
    static func withDeadline<T>(_ seconds: TimeInterval?, _ body: () -> T) -> T {
        guard let seconds else { return body() }
        let dictionary = Thread.current.threadDictionary
        let previous = dictionary[deadlineKey]
        dictionary[deadlineKey] = NSNumber(value: monotonicNow() + seconds)
        defer { dictionary[deadlineKey] = previous }
        return body()
    }

    static func register() {
        var registration = git_stream_registration()
        registration.version = 1  // GIT_STREAM_VERSION
        registration.`init` = { out, host, port in
            guard let out, let host, let port else { return -1 }
            out.pointee = DeadlineStream.makeStream(host: String(cString: host), port: String(cString: port))
            return 0
        }
        registration.wrap = nil
        git_stream_register(GIT_STREAM_STANDARD, &registration)
    }

    /// Cuts off a connection that outlives its deadline even when libgit2 does not read
    /// through this stream: libgit2 1.5's SSH transport hands the descriptor to libssh2,
    /// which waits on it with no timeout at all. Shutting the socket down wakes libssh2 with
    /// an error. Armed a second after the deadline, so this stream's own reads and writes,
    /// which give up at the deadline with a clearer message, win whenever they are in use.
    private final class Watchdog: @unchecked Sendable {
        private let lock = NSLock()
        /// The descriptor to shut down; -1 once closed. Guarded by `lock`.
        private var fd: Int32 = -1

        func arm(fd: Int32, after seconds: Double) {
            lock.withLock { self.fd = fd }
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
                lock.withLock {
                    if self.fd >= 0 { _ = shutdown(self.fd, Int32(SHUT_RDWR)) }
                }
            }
        }

        /// Closes under the lock, so the watchdog can never shut down a descriptor number the
        /// system has since handed to another connection.
        func close(_ fd: Int32) {
            lock.withLock {
                Glibc.close(fd)
                self.fd = -1
            }
        }
    }

    /// The per-stream state libgit2 does not know about, kept after the `git_stream` in
    /// one allocation.
    private final class State {
        let host: String
        let port: String
        let deadline: Double?
        var fd: Int32 = -1
        let watchdog = Watchdog()

        init(host: String, port: String, deadline: Double?) {
            self.host = host
            self.port = port
            self.deadline = deadline
        }

        /// Milliseconds left for `poll`, -1 for no deadline, nil when it has passed.
        var remainingMilliseconds: Int32? {
            guard let deadline else { return -1 }
            let left = deadline - monotonicNow()
            return left <= 0 ? nil : Int32(min(left * 1000, Double(Int32.max)).rounded(.up))
        }

        func closeSocket() {
            guard fd >= 0 else { return }
            watchdog.close(fd)
            fd = -1
        }

        func timedOut(_ what: String) -> Int32 {
            git_error_set_str(Int32(bitPattern: GIT_ERROR_NET.rawValue), "\(what) \(host):\(port) timed out")
            return -1
        }
    }

    // The allocation starts like libgit2's private `git_socket_stream` ({ git_stream parent;
    // char *host; char *port; int s; }, copied as `baton_git_socket_stream` in the CGit2
    // shim so the C compiler lays it out), because libgit2 1.5's SSH transport takes the
    // socket's descriptor straight from that `s` field to hand it to libssh2. Our State
    // pointer follows those fields, where libgit2 never looks. Another libgit2 version may
    // lay it out differently: `LibGit2Version` refuses to fetch with one, and
    // DeadlineStreamLayoutTests check the layout against the real SSH transport.
    static let hostOffset = MemoryLayout<baton_git_socket_stream>.offset(of: \baton_git_socket_stream.host)!
    static let socketOffset = MemoryLayout<baton_git_socket_stream>.offset(of: \baton_git_socket_stream.s)!
    static let stateOffset = (MemoryLayout<baton_git_socket_stream>.stride + 7) & ~7

    /// Keeps the `s` field libssh2 reads in step with the descriptor we own.
    private static func publishSocket(_ stream: UnsafeMutablePointer<git_stream>?, _ fd: Int32) {
        UnsafeMutableRawPointer(stream!).advanced(by: socketOffset).storeBytes(of: fd, as: Int32.self)
    }

    private static func streamState(_ stream: UnsafeMutablePointer<git_stream>?) -> State {
        let raw = UnsafeMutableRawPointer(stream!).advanced(by: stateOffset)
        return Unmanaged<State>.fromOpaque(raw.load(as: UnsafeMutableRawPointer.self)).takeUnretainedValue()
    }

    private static func makeStream(host: String, port: String) -> UnsafeMutablePointer<git_stream> {
        let deadline = (Thread.current.threadDictionary[deadlineKey] as? NSNumber)?.doubleValue
        let raw = UnsafeMutableRawPointer.allocate(byteCount: stateOffset + MemoryLayout<UnsafeMutableRawPointer>.stride, alignment: 16)
        let stream = raw.bindMemory(to: git_stream.self, capacity: 1)
        stream.initialize(to: git_stream())
        stream.pointee.version = 1
        stream.pointee.encrypted = 0
        stream.pointee.proxy_support = 0
        stream.pointee.connect = { stream in
            let state = DeadlineStream.streamState(stream)
            let rc = DeadlineStream.connect(state)
            DeadlineStream.publishSocket(stream, state.fd)
            if rc == 0, let deadline = state.deadline {
                state.watchdog.arm(fd: state.fd, after: max(0, deadline - DeadlineStream.monotonicNow()) + 1)
            }
            return rc
        }
        stream.pointee.certificate = nil
        stream.pointee.set_proxy = nil
        stream.pointee.read = { stream, buffer, length in DeadlineStream.read(DeadlineStream.streamState(stream), buffer, length) }
        stream.pointee.write = { stream, data, length, _ in DeadlineStream.write(DeadlineStream.streamState(stream), data, length) }
        stream.pointee.close = { stream in
            let state = DeadlineStream.streamState(stream)
            state.closeSocket()
            DeadlineStream.publishSocket(stream, -1)
            return 0
        }
        stream.pointee.free = { stream in
            guard let stream else { return }
            let raw = UnsafeMutableRawPointer(stream)
            let state = Unmanaged<State>.fromOpaque(raw.advanced(by: DeadlineStream.stateOffset).load(as: UnsafeMutableRawPointer.self))
            state.takeUnretainedValue().closeSocket()
            state.release()
            stream.deinitialize(count: 1)
            raw.deallocate()
        }
        raw.advanced(by: hostOffset).initializeMemory(as: UnsafeMutableRawPointer?.self, repeating: nil, count: 2)
        publishSocket(stream, -1)
        let state = Unmanaged.passRetained(State(host: host, port: port, deadline: deadline)).toOpaque()
        raw.advanced(by: stateOffset).storeBytes(of: state, as: UnsafeMutableRawPointer.self)
        return stream
    }

    private static func connect(_ state: State) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(state.host, state.port, &hints, &list)
        guard resolved == 0, let list else {
            git_error_set_str(Int32(bitPattern: GIT_ERROR_NET.rawValue), "failed to resolve address for \(state.host): \(String(cString: gai_strerror(resolved)))")
            return -1
        }
        defer { freeaddrinfo(list) }
        var lastError: Int32 = ECONNREFUSED
        var cursor: UnsafeMutablePointer<addrinfo>? = list
        while let info = cursor {
            cursor = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
            guard fd >= 0 else { lastError = errno; continue }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                state.fd = fd
                return 0
            }
            guard errno == EINPROGRESS else { lastError = errno; Glibc.close(fd); continue }
            switch wait(fd, for: Int16(POLLOUT), state) {
            case .ready:
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                if error == 0 {
                    state.fd = fd
                    return 0
                }
                lastError = error
                Glibc.close(fd)
            case .timedOut:
                Glibc.close(fd)
                return state.timedOut("connecting to")
            case .failed(let error):
                lastError = error
                Glibc.close(fd)
            }
        }
        git_error_set_str(Int32(bitPattern: GIT_ERROR_OS.rawValue), "failed to connect to \(state.host): \(String(cString: strerror(lastError)))")
        return -1
    }

    private static func read(_ state: State, _ buffer: UnsafeMutableRawPointer?, _ length: Int) -> Int {
        while true {
            let count = recv(state.fd, buffer, length, 0)
            if count >= 0 { return count }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { return osError("reading from", state) }
            if errno == EINTR { continue }
            switch wait(state.fd, for: Int16(POLLIN), state) {
            case .ready: continue
            case .timedOut: return Int(state.timedOut("reading from"))
            case .failed: return osError("reading from", state)
            }
        }
    }

    private static func write(_ state: State, _ data: UnsafePointer<CChar>?, _ length: Int) -> Int {
        while true {
            let count = send(state.fd, data, length, Int32(MSG_NOSIGNAL))
            if count >= 0 { return count }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { return osError("writing to", state) }
            if errno == EINTR { continue }
            switch wait(state.fd, for: Int16(POLLOUT), state) {
            case .ready: continue
            case .timedOut: return Int(state.timedOut("writing to"))
            case .failed: return osError("writing to", state)
            }
        }
    }

    private enum Wait { case ready, timedOut, failed(Int32) }

    private static func wait(_ fd: Int32, for events: Int16, _ state: State) -> Wait {
        while true {
            guard let milliseconds = state.remainingMilliseconds else { return .timedOut }
            var descriptor = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready > 0 { return .ready }
            if ready == 0 { return .timedOut }
            if errno != EINTR { return .failed(errno) }
        }
    }

    private static func osError(_ what: String, _ state: State) -> Int {
        git_error_set_str(Int32(bitPattern: GIT_ERROR_OS.rawValue), "\(what) \(state.host): \(String(cString: strerror(errno)))")
        return -1
    }

    static func monotonicNow() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
