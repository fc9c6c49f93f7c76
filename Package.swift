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
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
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
            dependencies: [
                "CGit2", "BatonManifest", .product(name: "Crypto", package: "swift-crypto"),
                // Runs ssh-keygen and gpgv for commit signatures (never git).
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        // The state store: the `StateStore` protocol and its embedded SQLite default.
        .target(
            name: "BatonStore",
            dependencies: ["BatonManifest", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // One reconcile pass: fetch, read, validate, plan, apply, record.
        .target(
            name: "BatonReconciler",
            dependencies: ["BatonManifest", "BatonGit", "BatonStore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Runs pipelines: the DAG executor, process and HTTP tasks, retries, timeouts, caching.
        .target(
            name: "BatonEngine",
            dependencies: [
                "BatonManifest", "BatonStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HeapModule", package: "swift-collections"),
            ]
        ),
        // The long-lived process: the reconcile loop, the scheduler and the runs it starts,
        // crash recovery, alerts, the state directory's lock and the signals it answers.
        .target(
            name: "BatonDaemon",
            dependencies: [
                "BatonManifest", "BatonGit", "BatonStore", "BatonReconciler", "BatonEngine",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        // Every operation a person or a program asks of Baton (status, pipelines, runs, logs,
        // trigger, cancel, retry, suspend, resume, reconcile now) with typed requests, results
        // and errors; the CLI and the HTTP server are two faces of this one library.
        .target(
            name: "BatonOperations",
            dependencies: ["BatonManifest", "BatonGit", "BatonStore", "BatonEngine", "BatonDaemon"]
        ),
        // The dashboard's HTML and SVG, rendered from plain values: no I/O, no server types.
        .target(name: "BatonDashboard", dependencies: ["BatonManifest"]),
        // `baton serve --http`: the API, the dashboard's routes, push webhooks, metrics and
        // health, on Hummingbird 2.
        .target(
            name: "BatonServer",
            dependencies: [
                "BatonOperations", "BatonDashboard", "BatonDaemon", "BatonStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "baton",
            dependencies: [
                "BatonManifest",
                "BatonGit",
                "BatonStore",
                "BatonReconciler",
                "BatonEngine",
                "BatonDaemon",
                "BatonOperations",
                "BatonServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
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
        .executableTarget(
            name: "ExecutorBenchmark",
            dependencies: ["BatonEngine", "BatonStore", "BatonManifest"],
            path: "Benchmarks/ExecutorBenchmark"
        ),
        .executableTarget(
            name: "ReconcileBenchmark",
            dependencies: ["BatonGit", "BatonStore", "BatonReconciler"],
            path: "Benchmarks/ReconcileBenchmark"
        ),

        .testTarget(
            name: "BatonManifestTests",
            dependencies: [
                "BatonManifest", "BatonTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "CGit2Tests", dependencies: ["CGit2"]),
        .testTarget(name: "BatonEngineTests", dependencies: ["BatonEngine", "BatonManifest", "BatonStore", "BatonTestSupport"]),
        .testTarget(name: "BatonDaemonTests", dependencies: ["BatonDaemon"]),
        // Real repositories (built with the git CLI), scratch directories and a git daemon,
        // shared by the test targets.
        .target(name: "BatonTestSupport", path: "Tests/Support"),
        .testTarget(name: "BatonGitTests", dependencies: ["BatonGit", "BatonTestSupport"]),
        .testTarget(
            name: "BatonStoreTests",
            dependencies: ["BatonStore", "BatonTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "BatonReconcilerTests",
            dependencies: [
                "BatonReconciler", "BatonStore", "BatonGit", "BatonManifest", "BatonTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "BatonOperationsTests",
            dependencies: [
                "BatonOperations", "BatonDaemon", "BatonStore", "BatonManifest", "BatonTestSupport", "BatonReconciler", "BatonGit", "BatonEngine",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "BatonDashboardTests", dependencies: ["BatonDashboard", "BatonManifest"]),
        .testTarget(
            name: "BatonServerTests",
            dependencies: [
                "BatonServer", "BatonOperations", "BatonDaemon", "BatonStore", "BatonTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["BatonManifest", "BatonTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
