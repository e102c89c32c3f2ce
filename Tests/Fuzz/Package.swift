// swift-tools-version:6.0
// libFuzzer harnesses, kept out of the root package so `swift build` / `swift test` never see sanitizer flags.
// Build and run with `make fuzz-http` / `make fuzz` from the repository root.
import PackageDescription

let package = Package(
    name: "InterchangeFuzz",
    dependencies: [
        .package(name: "Interchange", path: "../.."),
    ],
    targets: [
        .systemLibrary(name: "CFuzzDriver"),
        .executableTarget(
            name: "HTTPParserFuzz",
            dependencies: ["CFuzzDriver", .product(name: "HTTPCore", package: "Interchange")]
        ),
        // Agency JSON adapters; the first byte picks the adapter (see AgencyJSONFuzz/FuzzEntry.swift).
        .executableTarget(
            name: "AgencyJSONFuzz",
            dependencies: [
                "CFuzzDriver", .product(name: "Agencies", package: "Interchange"),
                .product(name: "Messages", package: "Interchange"),
            ]
        ),
        // StrictXMLParser, GIAMDINHHS envelopes, the hospital XML1 / XML0 paths.
        .executableTarget(
            name: "XMLFuzz",
            dependencies: [
                "CFuzzDriver", .product(name: "Agencies", package: "Interchange"),
                .product(name: "Messages", package: "Interchange"),
            ]
        ),
        // The gateway configuration decoder.
        .executableTarget(
            name: "ConfigFuzz",
            dependencies: ["CFuzzDriver", .product(name: "Gateway", package: "Interchange")]
        ),
    ]
)
