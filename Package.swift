// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Baton",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "baton", targets: ["baton"]),
        .library(name: "BatonManifest", targets: ["BatonManifest"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // libgit2 (Debian `libgit2-dev`) through pkg-config; the Git engine of BatonGit.
        .systemLibrary(
            name: "CGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // The manifest language: pure, no I/O beyond the bytes it is handed, no clocks.
        .target(name: "BatonManifest"),
        // The Git layer: fetch, read trees, diff, history, attribution, exported trees. Never
        // shells out to `git`; everything goes through libgit2.
        .target(
            name: "BatonGit",
            dependencies: ["CGit2", "BatonManifest", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .executableTarget(
            name: "baton",
            dependencies: [
                "BatonManifest",
                "BatonGit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Benchmarks (release builds); see Benchmarks/README.md.
        .executableTarget(
            name: "ScheduleBenchmark",
            dependencies: ["BatonManifest"],
            path: "Benchmarks/ScheduleBenchmark"
        ),
        .executableTarget(
            name: "GitBenchmark",
            dependencies: ["BatonGit"],
            path: "Benchmarks/GitBenchmark"
        ),

        .testTarget(
            name: "BatonManifestTests",
            dependencies: [
                "BatonManifest",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "CGit2Tests", dependencies: ["CGit2"]),
        .testTarget(name: "BatonGitTests", dependencies: ["BatonGit"]),
        .testTarget(name: "CLITests", dependencies: ["BatonManifest"]),
    ],
    swiftLanguageModes: [.v6]
)
