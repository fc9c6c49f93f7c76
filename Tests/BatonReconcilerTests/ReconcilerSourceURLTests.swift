import BatonGit
import BatonReconciler
import BatonStore
import BatonTestSupport
import Foundation
import Testing

/// The source URL the store keeps (and `status` shows) never holds a credential: a token as
/// the URL's whole userinfo, or in its query, is masked before it is written.
@Suite struct ReconcilerSourceURLTests {
    typealias H = ReconcilerHarness

    @Test func aTokenUserinfoIsMaskedInTheStoreAndTheMirrorIsStillFound() async throws {
        let h = try H()
        try h.repo.write("manifests/sales.json", H.manifest("sales"))
        let head = try h.repo.commit("Add sales")
        let daemon = try GitDaemon(basePath: h.temp.path)
        defer { daemon.stop() }
        let url = "git://tok-secret-123@127.0.0.1:\(daemon.port)/pipelines"
        let reconciler = Reconciler(store: h.store, source: GitSource(url: url, ref: .branch("main")), options: h.options)

        let report = try await reconciler.reconcile(mirror: h.mirror)
        #expect(report.outcome == .applied)
        let source = try #require(try await h.store.source())
        #expect(source.url == "git://***@127.0.0.1:\(daemon.port)/pipelines")
        // Runs find the mirror to export from through the stored (masked) URL.
        let repository = try GitRepository(path: h.mirror.mirrorPath(for: source.url))
        #expect(repository.contains(GitObjectID(hex: head)!))
    }

    @Test func aFailedFetchRecordsNoTokenFromTheQuery() async throws {
        let h = try H()
        let port = try FreePort.find()
        let url = "http://user-tok-789@127.0.0.1:\(port)/repo.git?private_token=q-secret-456"
        let reconciler = Reconciler(store: h.store, source: GitSource(url: url, ref: .branch("main")), options: h.options)

        await #expect(throws: ReconcileError.self) { try await reconciler.reconcile(mirror: h.mirror) }
        let source = try #require(try await h.store.source())
        #expect(source.url == "http://***@127.0.0.1:\(port)/repo.git?private_token=***")
        let recorded = "\(source.url) \(source.lastError ?? "")"
        #expect(source.lastError?.isEmpty == false)
        #expect(!recorded.contains("q-secret-456"), "\(recorded)")
        #expect(!recorded.contains("user-tok-789"), "\(recorded)")
    }
}
