@testable import BatonGit
import BatonTestSupport
import CGit2
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `DeadlineStream` lays its streams out like libgit2's private `git_socket_stream`, whose
/// `s` field libgit2's SSH transport hands to libssh2. These tests fail loudly if libgit2
/// ever reads that field somewhere else, and pin the version check that keeps Baton off
/// libgit2 versions the layout was not copied from.
@Suite struct DeadlineStreamLayoutTests {
    @Test func theOffsetsAreThoseOfLibgit2_1_5sSocketStream() {
        // { git_stream parent; char *host; char *port; int s; }, then our state pointer.
        #expect(DeadlineStream.hostOffset == MemoryLayout<git_stream>.stride)
        #expect(DeadlineStream.socketOffset == DeadlineStream.hostOffset + 2 * MemoryLayout<UnsafeMutableRawPointer>.stride)
        #expect(DeadlineStream.stateOffset >= DeadlineStream.socketOffset + MemoryLayout<Int32>.size)
        #expect(DeadlineStream.stateOffset % MemoryLayout<UnsafeMutableRawPointer>.alignment == 0)
    }

    /// The real consumer of the layout: libgit2's SSH transport opens a standard stream (ours,
    /// registered by BatonGit), connects it, then gives libssh2 the descriptor it reads from
    /// the `s` field. libssh2 starts by sending its banner, so the banner arriving on the one
    /// connection our listener accepted proves libgit2 found our socket where the layout says.
    /// A wrong offset hands libssh2 another number (-1, 0, part of a pointer) and no banner
    /// arrives.
    @Test func libgit2sSSHTransportReadsOurSocketFromTheField() throws {
        try LibGit2Version.requireStreamLayout()
        LibGit2.ensureInitialized()
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        try #require(bound == 0 && listen(listener, 4) == 0)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let url = "ssh://git@127.0.0.1:\(UInt16(bigEndian: address.sin_port))/repo.git"

        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            defer { finished.signal() }
            var remote: OpaquePointer?
            guard git_remote_create_detached(&remote, url) == 0, let remote else { return }
            defer { git_remote_free(remote) }
            var callbacks = git_remote_callbacks()
            git_remote_init_callbacks(&callbacks, 1)  // GIT_REMOTE_CALLBACKS_VERSION
            // Fails once the listener hangs up after the banner; only the banner matters.
            _ = DeadlineStream.withDeadline(20) { git_remote_connect(remote, GIT_DIRECTION_FETCH, &callbacks, nil, nil) }
        }

        var pending = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        try #require(poll(&pending, 1, 15_000) == 1, "libgit2 never connected to the listener")
        let connection = accept(listener, nil, nil)
        try #require(connection >= 0)
        var banner: [UInt8] = []
        var incoming = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
        while !banner.contains(UInt8(ascii: "\n")), banner.count < 256, poll(&incoming, 1, 10_000) == 1 {
            var buffer = [UInt8](repeating: 0, count: 256)
            let count = recv(connection, &buffer, buffer.count, 0)
            if count <= 0 { break }
            banner += buffer[0..<count]
        }
        close(connection)
        let text = String(decoding: banner, as: UTF8.self)
        #expect(text.hasPrefix("SSH-2.0-"), "libssh2 did not write its banner on our socket (got \(text.debugDescription)): libgit2's git_socket_stream layout no longer matches baton_git_socket_stream")
        #expect(finished.wait(timeout: .now() + 20) == .success, "libgit2's connect did not return after the listener hung up")
    }
}

@Suite struct LibGit2VersionTests {
    /// Fails loudly on a machine whose libgit2 is not the version the layout was copied
    /// from: then the layout must be checked again and the shim's copy updated.
    @Test func thisMachinesLibgit2HasTheCopiedLayout() throws {
        try LibGit2Version.requireStreamLayout()
        #expect(LibGit2Version.loaded.major == LibGit2Version.built.major && LibGit2Version.loaded.minor == LibGit2Version.built.minor)
    }

    @Test func refusesToFetchWithAnotherVersionNamingBoth() throws {
        let error = try #require(throws: GitError.self) {
            try LibGit2Version.requireStreamLayout(
                loaded: LibGit2Version(major: 1, minor: 6, revision: 0), built: LibGit2Version(major: 1, minor: 5, revision: 1), url: "https://tok@host/r")
        }
        #expect(error.code == .unsupportedLibgit2)
        #expect(!error.isTransient)
        #expect(error.message.contains("libgit2 1.6.0 is loaded"))
        #expect(error.message.contains("built against libgit2 1.5.1"))
        #expect(error.url == "https://***@host/r")
        #expect(throws: GitError.self) {
            try LibGit2Version.requireStreamLayout(loaded: LibGit2Version(major: 1, minor: 5, revision: 1), built: LibGit2Version(major: 1, minor: 7, revision: 2))
        }
        // Patch releases keep structs as they are.
        try LibGit2Version.requireStreamLayout(loaded: LibGit2Version(major: 1, minor: 5, revision: 2), built: LibGit2Version(major: 1, minor: 5, revision: 0))
    }
}
