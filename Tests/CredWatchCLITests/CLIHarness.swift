import Foundation

/// Runs the built `credwatch` executable, as users and SOC scripts do.
enum CLI {
    struct Outcome {
        var status: Int32
        var stdout: Data
        var stderr: String
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        /// Each stdout line parsed as a JSON object.
        var jsonLines: [[String: Any]] {
            stdoutText.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
    }

    /// The repository root (this file is Tests/CredWatchCLITests/CLIHarness.swift).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The executable next to the test bundle (same build configuration).
    static let executable: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("credwatch")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return repository.appendingPathComponent(".build/debug/credwatch")
    }()

    static let samples = repository.appendingPathComponent("Samples")

    /// A fixed key, so fingerprints compare across runs.
    static let key = "credwatch-test-key-0123456789abcdef"

    /// `run` with the report time fixed (`SOURCE_DATE_EPOCH`), for tests that compare the reports
    /// of several runs byte for byte (`reported_at` is the run's time otherwise).
    static func runAtFixedTime(
        _ arguments: [String],
        stdin: Data? = nil,
        environment: [String: String] = [:],
        directory: URL? = nil,
        program: URL? = nil,
        timeout: TimeInterval? = nil
    ) throws -> Outcome {
        var environment = environment
        if environment["SOURCE_DATE_EPOCH"] == nil { environment["SOURCE_DATE_EPOCH"] = "1732084200" }
        return try run(
            arguments,
            stdin: stdin,
            environment: environment,
            directory: directory,
            program: program,
            timeout: timeout
        )
    }

    /// Runs the executable to its end; with `timeout`, a run still going after that many
    /// seconds is terminated (its status is then the signal's), so that a test of something
    /// that used to hang fails instead of hanging.
    static func run(
        _ arguments: [String],
        stdin: Data? = nil,
        environment: [String: String] = [:],
        directory: URL? = nil,
        program: URL? = nil,
        timeout: TimeInterval? = nil
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = program ?? executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["CREDWATCH_FINGERPRINT_KEY"] = key
        env["CREDWATCH_PATTERNS"] = repository.appendingPathComponent("Patterns").path
        env["CREDWATCH"] = executable.path
        for (name, value) in environment { env[name] = value }
        process.environment = env
        process.currentDirectoryURL = directory ?? repository
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        if let timeout {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                if process.isRunning { process.terminate() }
            }
        }
        // Drain both pipes while the process runs, so a large report cannot block it.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            outData = output.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            errData = errors.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return Outcome(
            status: process.terminationStatus,
            stdout: outData,
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }

    /// A fresh temporary folder.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("credwatch-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A zip whose central directory lists its one stored member `name` `copies` times
    /// (`copy0-NAME`, `copy1-NAME`…), every entry at the same local header.
    static func repeatedStoredZip(_ name: String, _ data: [UInt8], copies: Int) -> [UInt8] {
        var out: [UInt8] = []
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { out += $0 } }
        let checksum = crc32(data)
        func fields() {
            put(UInt16(0))  // stored
            put(UInt32(0x0021_0000))  // time, date
            put(checksum)
            put(UInt32(data.count))
            put(UInt32(data.count))
        }
        put(UInt32(0x0403_4B50))
        put(UInt16(20))
        put(UInt16(0))
        fields()
        put(UInt16(name.utf8.count))
        put(UInt16(0))
        out += Array(name.utf8) + data
        let directoryOffset = out.count
        for copy in 0..<copies {
            let entryName = Array("copy\(copy)-\(name)".utf8)
            put(UInt32(0x0201_4B50))
            put(UInt16(0x031E))
            put(UInt16(20))
            put(UInt16(0))
            fields()
            put(UInt16(entryName.count))
            out += [UInt8](repeating: 0, count: 12)  // extra, comment, disk, attributes
            put(UInt32(0))  // the one local header
            out += entryName
        }
        let directorySize = out.count - directoryOffset
        put(UInt32(0x0605_4B50))
        put(UInt32(0))
        put(UInt16(copies))
        put(UInt16(copies))
        put(UInt32(directorySize))
        put(UInt32(directoryOffset))
        put(UInt16(0))
        return out
    }

    /// `document` (as `combo.txt`) at the bottom of `levels` zips, each a stored member
    /// (`levelN.zip`) of the next, each listed `copies` times (issue 14).
    static func nestedRepeatedZip(document: [UInt8], levels: Int, copies: Int) -> [UInt8] {
        var bytes = document
        var name = "combo.txt"
        for level in 1...max(1, levels) {
            bytes = repeatedStoredZip(name, bytes, copies: copies)
            name = "level\(level).zip"
        }
        return bytes
    }

    /// CRC-32 (IEEE), bit by bit: fixtures are small.
    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// gzip of `text` through the system's gzip (the decode stage's own tests build gzip in-process).
    static func gzip(_ text: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-n"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }
}
