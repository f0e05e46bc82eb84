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

    static func run(
        _ arguments: [String],
        stdin: Data? = nil,
        environment: [String: String] = [:],
        directory: URL? = nil,
        program: URL? = nil
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
