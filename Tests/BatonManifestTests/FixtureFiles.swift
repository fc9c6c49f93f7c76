import BatonManifest
import Foundation

/// Locates fixtures beside this file and the repository's own manifests, so tests read the
/// same files a person edits.
enum FixtureFiles {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let repositoryRoot = directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `.json` files directly in (or, with `recursive`, under) a folder, sorted by path.
    static func jsonFiles(in folder: URL, recursive: Bool = false) -> [URL] {
        let manager = FileManager.default
        let paths: [String]
        if recursive {
            paths = (manager.enumerator(atPath: folder.path)?.allObjects as? [String]) ?? []
        } else {
            paths = (try? manager.contentsOfDirectory(atPath: folder.path)) ?? []
        }
        return paths.filter { ManifestPath.isManifest($0) }.sorted().map { folder.appendingPathComponent($0) }
    }

    static func bytes(_ url: URL) -> [UInt8] {
        [UInt8]((try? Data(contentsOf: url)) ?? Data())
    }

    static func manifest(_ url: URL) -> ManifestFile {
        ManifestFile(path: url.lastPathComponent, bytes: bytes(url))
    }

    static var validFixtures: [URL] { jsonFiles(in: directory.appendingPathComponent("valid")) }
    static var invalidFixtures: [URL] { jsonFiles(in: directory.appendingPathComponent("invalid")) }
    /// This repository's demo pipelines and examples: they must always validate.
    static var shippedManifests: [URL] {
        jsonFiles(in: repositoryRoot.appendingPathComponent("manifests"), recursive: true)
            + jsonFiles(in: repositoryRoot.appendingPathComponent("examples"), recursive: true)
    }
}

extension String {
    /// Builds a manifest's bytes from text in a test.
    var bytes: [UInt8] { Array(utf8) }
}
