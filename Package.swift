// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Interchange",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "interchange", targets: ["interchange"]),
        // Libraries for the fuzz package in Tests/Fuzz.
        .library(name: "HTTPCore", targets: ["HTTPCore"]),
        .library(name: "Messages", targets: ["Messages"]),
        .library(name: "Agencies", targets: ["Agencies"]),
        .library(name: "Gateway", targets: ["Gateway"]),
    ],
    targets: [
        // System libraries: header-only module maps, one shim header each.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CLinux"),

        // Pure modules: no I/O, no C libraries.
        .target(name: "HTTPCore"),
        .target(name: "Messages"),
        .target(name: "Agencies", dependencies: ["Messages"], exclude: ["Court/README.md"]),

        // I/O modules.
        .target(name: "HTTP", dependencies: ["HTTPCore", "CLinux", "COpenSSL"]),
        .target(name: "Store", dependencies: ["Messages", "CSQLite", "CLibPQ", "COpenSSL"]),
        .target(name: "Delivery", dependencies: ["Messages", "CCurl"]),

        // The gateway: pipeline, config, routing, routing log service.
        .target(name: "Gateway", dependencies: ["Messages", "Agencies", "HTTPCore", "HTTP", "Store", "Delivery", "COpenSSL"], resources: [.copy("Console")]),
        .target(name: "Simulators", dependencies: ["HTTPCore", "HTTP", "Messages", "Agencies"]),
        .executableTarget(name: "interchange", dependencies: ["Gateway", "Simulators", "Store", "Messages", "Delivery"]),
        .executableTarget(name: "BenchSink", dependencies: ["Simulators", "HTTP", "HTTPCore"], path: "Benchmarks/BenchSink"),
        .executableTarget(name: "BenchSQLite", dependencies: ["Store", "Messages"], path: "Benchmarks/BenchSQLite"),
        .executableTarget(name: "BenchVisits", dependencies: ["Delivery"], path: "Benchmarks/BenchVisits"),
        .executableTarget(name: "BenchLogSearch", dependencies: ["Store", "Messages", "CSQLite"], path: "Benchmarks/BenchLogSearch"),

        .testTarget(name: "SystemLibraryTests", dependencies: ["CCurl", "COpenSSL", "CSQLite", "CLibPQ", "CLinux"]),
        .testTarget(name: "HTTPCoreTests", dependencies: ["HTTPCore"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "HTTPCore", "Delivery"]),
        .testTarget(name: "MessagesTests", dependencies: ["Messages"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Messages"]),
        .testTarget(name: "DeliveryTests", dependencies: ["Delivery", "Messages", "Simulators", "HTTP"]),
        .testTarget(name: "AgenciesTests", dependencies: ["Agencies", "Messages"]),
        .testTarget(name: "SimulatorsTests", dependencies: ["Simulators", "Agencies", "Delivery", "HTTP", "HTTPCore", "Messages"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "CSQLite", "Simulators", "Delivery", "Store", "Messages", "HTTP", "HTTPCore"]),
    ]
)
