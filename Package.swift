// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Arcadia",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "arcadia", targets: ["arcadia"]),
        .executable(name: "arcadia-bench", targets: ["ArcadiaBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Pure: spec model, YAML loading and validation with positions.
        .target(
            name: "ArcadiaSpecs",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // Typed DigitalOcean v2 client.
        .target(
            name: "DigitalOceanAPI",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Persistence through SQLKit; SQL migrations are resources.
        .target(
            name: "ArcadiaState",
            dependencies: [
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        // Pure: inventory normalisation, three-way diff, planner, rendering.
        .target(
            name: "ArcadiaCore",
            dependencies: [
                "ArcadiaSpecs",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Saga engine, DigitalOcean steps, inventory sync.
        .target(
            name: "ArcadiaSagas",
            dependencies: [
                "ArcadiaCore", "DigitalOceanAPI", "ArcadiaState",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The local DigitalOcean API.
        .target(
            name: "DigitalOceanSimulator",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // `arcadia controller`: the reconcile loop, leader election, the HTTP API, tokens, metrics, webhooks.
        .target(
            name: "ArcadiaController",
            dependencies: [
                "ArcadiaSpecs", "ArcadiaCore", "ArcadiaSagas", "ArcadiaState", "DigitalOceanAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            // The drift inbox page: HTML, script, style and icon, served as they are (no build step).
            resources: [.copy("Page")],
            swiftSettings: swiftSettings
        ),
        // The CLI's commands, a library so that tests can reach its helpers.
        .target(
            name: "ArcadiaCLI",
            dependencies: [
                "ArcadiaSpecs", "ArcadiaCore", "ArcadiaSagas", "ArcadiaState",
                "DigitalOceanAPI", "DigitalOceanSimulator", "ArcadiaController",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "arcadia",
            dependencies: ["ArcadiaCLI", .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Fixtures and harnesses every test target can use.
        .target(
            name: "ArcadiaTestSupport",
            dependencies: [
                "DigitalOceanSimulator", "DigitalOceanAPI", "ArcadiaState", "ArcadiaSagas", "ArcadiaCore", "ArcadiaSpecs",
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Prints figures (requests, wall time, peak memory); never a pass/fail threshold.
        .executableTarget(
            name: "ArcadiaBenchmarks",
            dependencies: [
                "ArcadiaSpecs", "ArcadiaCore", "ArcadiaSagas", "ArcadiaState", "DigitalOceanAPI", "ArcadiaTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ArcadiaTests",
            dependencies: [
                "ArcadiaSpecs", "ArcadiaCore", "ArcadiaSagas", "ArcadiaState",
                "DigitalOceanAPI", "DigitalOceanSimulator", "ArcadiaCLI", "ArcadiaController", "ArcadiaTestSupport",
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                // A webhook receiver, and its own check of the signature.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
