// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// ISA-L's inflate (libisal-dev), more than twice as fast as zlib, is an optional second backend of
/// `InflateStream`: built in when its header is installed, unless CREDWATCH_ZLIB_ONLY is set
/// (to build and test the zlib-only package on a machine that has it).
let usesISAL =
    FileManager.default.fileExists(atPath: "/usr/include/isa-l/igzip_lib.h")
    && ProcessInfo.processInfo.environment["CREDWATCH_ZLIB_ONLY"] == nil
let isalTargets: [Target] =
    usesISAL ? [.systemLibrary(name: "CISAL", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])])] : []

let package = Package(
    name: "credwatch",
    products: [
        .executable(name: "credwatch", targets: ["CredWatchCLI"]),
        .library(name: "CredWatch", targets: ["CredWatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // C libraries, each wrapped once in a system-library module.
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // 7z, RAR (4 and 5), bzip2, xz, lzma and zstd, read in process (see Decode/LibArchiveReader).
        .systemLibrary(
            name: "CLibArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        // TLS for `--syslog tls://` (RFC 5425).
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        // The whole pipeline: input → decode → parse → match → report.
        .target(
            name: "CredWatch",
            dependencies: [
                "CPCRE2",
                "CZlib",
                "CSQLite",
                "COpenSSL",
                "CLibArchive",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ] + (usesISAL ? ["CISAL"] : []),
            swiftSettings: usesISAL ? [.define("CREDWATCH_ISAL")] : []
        ),
        // Thin command-line front end.
        .executableTarget(
            name: "CredWatchCLI",
            dependencies: [
                "CredWatch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CredWatchTests", dependencies: ["CredWatch"]),
        .testTarget(name: "CredWatchCLITests", dependencies: ["CredWatchCLI", "CredWatch"]),
    ] + isalTargets
)
