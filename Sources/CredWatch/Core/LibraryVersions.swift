import COpenSSL
import CPCRE2
import CSQLite
import CZlib

#if CREDWATCH_ISAL
    import CISAL
#endif

/// credwatch's version: the one place it is written (`--version`, the man page, CEF's Device
/// Version).
public enum CredWatchVersion {
    public static let number = "0.1.0"
}

/// The C libraries this process runs with, as they report themselves at run time (a library
/// upgraded under an installed binary shows its new version), for `credwatch --version` and bug
/// reports.
public enum LibraryVersions {
    /// `(library, version)` in a fixed order: PCRE2, zlib, ISA-L, SQLite, OpenSSL.
    static func current() -> [(library: String, version: String)] {
        [
            ("PCRE2", pcre2),
            ("zlib", String(cString: zlibVersion())),
            ("ISA-L", isal),
            ("SQLite", String(cString: sqlite3_libversion())),
            ("OpenSSL", String(cString: OpenSSL_version(OPENSSL_VERSION))),
        ]
    }

    /// `credwatch 0.1.0` then one `library version` line each, aligned.
    public static func describe() -> String {
        let libraries = current()
        let width = libraries.map(\.library.count).max() ?? 0
        var text = "credwatch \(CredWatchVersion.number)"
        for (library, version) in libraries {
            text += "\n  " + library + String(repeating: " ", count: width - library.count) + "  " + version
        }
        return text
    }

    /// PCRE2's version, and whether its JIT compiler is available (regexes run much faster).
    private static var pcre2: String {
        var buffer = [UInt8](repeating: 0, count: 64)
        let written = buffer.withUnsafeMutableBytes { pcre2_config_8(UInt32(PCRE2_CONFIG_VERSION), $0.baseAddress) }
        let version = written > 0 ? String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self) : "unknown"
        var jit: UInt32 = 0
        _ = pcre2_config_8(UInt32(PCRE2_CONFIG_JIT), &jit)
        return version + (jit == 1 ? " (JIT)" : " (no JIT)")
    }

    /// ISA-L exports no version function: the version of the headers this binary was built
    /// with, and that gzip is inflated with it.
    private static var isal: String {
        #if CREDWATCH_ISAL
            "present (built with \(ISAL_MAJOR_VERSION).\(ISAL_MINOR_VERSION).\(ISAL_PATCH_VERSION); inflates gzip)"
        #else
            "not built in (gzip is inflated with zlib)"
        #endif
    }
}
