// swift-tools-version:6.0
// libFuzzer harnesses, kept out of the root package so `swift build` / `swift test` never see sanitizer flags.
// Build and run with `make fuzz-http` from the repository root.
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
    ]
)
