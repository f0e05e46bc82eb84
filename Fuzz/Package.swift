// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets for every parser of untrusted input. Built and run by `make fuzz` /
// `make fuzz-smoke` (see Fuzz/README.md) with
//   swift build --package-path Fuzz -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
// Debug builds compile CredWatch with -enable-testing, so the targets reach internal entry
// points (the zip and tar readers, the URL parser, the CSV reader) through `@testable import`.

/// Each fuzz target: an executable named like its folder under Sources/.
let fuzzTargets = [
    "FuzzZip", "FuzzInflate", "FuzzTar", "FuzzText", "FuzzStealerRecords", "FuzzSystemInfo", "FuzzCookies",
    "FuzzComboLines", "FuzzCandidates", "FuzzURL", "FuzzAccounts", "FuzzProfile", "FuzzPatterns", "FuzzWalker",
]

/// SwiftPM names a path dependency after its folder: the repository's, whatever the clone is called.
let credwatch = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "credwatch").lowercased()

let package = Package(
    name: "credwatch-fuzz",
    dependencies: [
        .package(path: "..")
    ],
    targets: [
        // What every target shares: small limits, in-memory streams, sinks that touch every byte.
        .target(name: "CLibFuzzer"),
        .target(
            name: "FuzzSupport",
            dependencies: ["CLibFuzzer", .product(name: "CredWatch", package: credwatch)]
        ),
    ]
        + fuzzTargets.map { name in
            .executableTarget(
                name: name,
                dependencies: ["FuzzSupport", .product(name: "CredWatch", package: credwatch)]
            )
        }
)
