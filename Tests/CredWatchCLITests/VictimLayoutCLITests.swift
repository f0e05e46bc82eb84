import Foundation
import Testing

/// Issue 16, finding 3 end to end: system information in a subfolder of its victim
/// (`System/Information.txt`, `info/Information [pt-BR].txt`) is attached to the victim's
/// credentials, in a folder tree and inside a zip, and two victims of one dump stay apart.
@Suite("victim layouts through the CLI")
struct VictimLayoutCLITests {
    private static func write(_ text: String, _ path: String, in directory: URL) throws {
        let file = directory.appendingPathComponent(path)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        try text.write(to: file, atomically: true, encoding: .utf8)
    }

    private static func information(_ hostname: String) -> String {
        "IP: 203.0.113.47\nUserName: Camille\nMachineName: \(hostname)\nHWID: HW-\(hostname)\n"
    }

    private static func credential(_ login: String, _ password: String) -> String {
        "URL: https://mediboard.clinique-exemple.fr/\nUsername: \(login)\nPassword: \(password)\n\n"
    }

    /// The dump: two victims, each with its system information in a subfolder.
    private static func dump(in directory: URL) throws {
        try write(credential("jdupont", "Vic1-Pw!"), "dump/victim1/Passwords.txt", in: directory)
        try write(information("GEX-PAR-PC0007"), "dump/victim1/System/Information.txt", in: directory)
        try write(credential("sleroy", "Vic2-Pw!"), "dump/victim2/Browsers/Passwords.txt", in: directory)
        try write(information("PC-TWO"), "dump/victim2/info/Information [pt-BR].txt", in: directory)
    }

    private static func machines(_ input: String) throws -> [String: String] {
        let outcome = try CLI.run([
            "scan", input, "--accounts", CLI.samples.appendingPathComponent("accounts.csv").path, "--org",
            CLI.samples.appendingPathComponent("org.toml").path, "--quiet", "--format", "jsonl",
        ])
        #expect(outcome.status == 1, "\(outcome.stderr)")
        var result: [String: String] = [:]
        for line in outcome.jsonLines {
            let kind = line["kind"] as? String ?? ""
            let machine = (line["machine"] as? [String: Any])?["hostname"] as? String ?? "-"
            result["\(kind) \(line["account"] as? String ?? "")"] = machine
        }
        return result
    }

    @Test func systemInformationInASubfolderIsItsVictims() throws {
        let directory = try CLI.temporaryDirectory()
        try Self.dump(in: directory)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zip")
        process.arguments = ["-q", "-r", "dump.zip", "dump"]
        process.currentDirectoryURL = directory
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        for input in ["dump", "dump.zip"] {
            let machines = try Self.machines(directory.appendingPathComponent(input).path)
            #expect(machines["credential jdupont"] == "GEX-PAR-PC0007", "\(input): \(machines)")
            #expect(machines["credential sleroy"] == "PC-TWO", "\(input): \(machines)")
            #expect(machines.keys.contains { $0.hasPrefix("infected_machine") }, "\(input): \(machines)")
        }
    }

    /// A dump saved under `~/Downloads` (a folder name stealers' `Downloads/` grabs share), or
    /// under any folder named like a grab, keeps its victims and their machines, whether the
    /// scan names the dump or a folder above that one.
    @Test(arguments: ["Downloads", "Cookies", "History", "Autofill", "Telegram"])
    func aDumpUnderAFolderNamedLikeAGrabKeepsItsMachines(_ folder: String) throws {
        let top = try CLI.temporaryDirectory()
        let directory = top.appendingPathComponent(folder)
        try Self.dump(in: directory)
        for input in [directory.appendingPathComponent("dump"), top] {
            let machines = try Self.machines(input.path)
            #expect(machines["credential jdupont"] == "GEX-PAR-PC0007", "\(input.path): \(machines)")
            #expect(machines["credential sleroy"] == "PC-TWO", "\(input.path): \(machines)")
        }
    }

    /// A grabbed file named as system information (a victim's own copy, in `FileGrabber/`,
    /// `Grabber/Desktop/`, `Autofill/System/`) is no other machine of the victim: its own
    /// system information still goes with its credentials (re-check probe's regression).
    @Test(arguments: ["FileGrabber", "Grabber/Desktop", "FileGrabber/System", "Downloads", "Autofill/System"])
    func grabbedSystemInformationIsNoOtherMachine(_ grab: String) throws {
        let directory = try CLI.temporaryDirectory()
        try Self.dump(in: directory)
        try Self.write(Self.information("OTHER-PC"), "dump/victim1/\(grab)/Information.txt", in: directory)
        let machines = try Self.machines(directory.appendingPathComponent("dump").path)
        #expect(machines["credential jdupont"] == "GEX-PAR-PC0007", "\(grab): \(machines)")
        #expect(machines["credential sleroy"] == "PC-TWO", "\(grab): \(machines)")
    }
}
