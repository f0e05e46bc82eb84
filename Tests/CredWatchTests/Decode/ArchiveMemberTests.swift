import Foundation
import Testing

@testable import CredWatch

/// Members of 7z archives whatever their names and type bits, compressed streams cut short,
/// and encrypted 7z packs of many members (issue 16, part 4).
@Suite("7z member names and types, truncated streams, encrypted packs of many members")
struct ArchiveMemberTests {
    static let credentials = LibArchiveTests.credentials
    static let password = "infected chan#42"

    /// Names outside ASCII: libarchive converts 7z's UTF-16 names into the thread's locale, and
    /// under the C locale (the test process's) it dropped them whole, then the members too.
    @Test func sevenZipMembersWithNamesOutsideASCIIAreReadByName() throws {
        let tools = ArchiveTools()
        tools.files(
            "acc",
            [
                "Médecin-PC/Passwords.txt": Self.credentials,
                "Пользователь/Passwords.txt": "https://portal.example/login:bob@example.test:Secret-Two\n",
                "liste-été.txt": Self.credentials,
            ]
        )
        let plain = try tools.sevenZip("acc.7z", "acc")
        let encrypted = try tools.sevenZip("enc.7z", "acc", ["-p" + Self.password])
        for (path, name) in [(plain, "acc.7z"), (encrypted, "enc.7z")] {
            var harness = DecodeHarness()
            harness.options.archives.passwords = ArchivePasswords([Array(Self.password.utf8)])
            harness.options.archives.sevenZipTool = ArchiveTools.sevenZip
            harness.readFile(path, locator: name)
            #expect(harness.collector.text(of: name + "!acc/Médecin-PC/Passwords.txt") == Self.credentials, "\(name)")
            #expect(harness.collector.text(of: name + "!acc/Пользователь/Passwords.txt")?.contains("bob@") == true)
            #expect(harness.collector.text(of: name + "!acc/liste-été.txt") == Self.credentials)
            #expect(harness.messages.isEmpty, "\(name): \(harness.messages)")
        }
    }

    /// A name no locale can hold (UTF-16 with a lone surrogate): the member is read all the
    /// same, named by its position, and the lost name is said.
    @Test func aMemberWhoseNameCannotBeReadIsReadUnderItsPosition() throws {
        let tools = ArchiveTools()
        tools.files("logs", ["zzodd.txt": Self.credentials])
        // An uncompressed header, so that the name can be edited in place.
        var bytes = tools.bytes(try tools.sevenZip("odd.7z", "logs", ["-mhc=off"]))
        let utf16 = Array("zzodd".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let at = try #require(bytes.firstRange(of: utf16)).lowerBound
        bytes[at] = 0x00
        bytes[at + 1] = 0xD8
        // The next header's CRC, then the start header's.
        let offset = 32 + Int(bytes[12..<20].reversed().reduce(0) { $0 << 8 | UInt64($1) })
        let size = Int(bytes[20..<28].reversed().reduce(0) { $0 << 8 | UInt64($1) })
        let headerCRC = bytes[offset..<(offset + size)].withUnsafeBytes { CRC32.update(0, $0) }
        for index in 0..<4 { bytes[28 + index] = UInt8(truncatingIfNeeded: headerCRC >> (8 * index)) }
        let startCRC = bytes[12..<32].withUnsafeBytes { CRC32.update(0, $0) }
        for index in 0..<4 { bytes[8 + index] = UInt8(truncatingIfNeeded: startCRC >> (8 * index)) }

        let harness = DecodeHarness()
        harness.readStream(bytes, locator: "odd.7z")
        let delivered = harness.collector.locators
        #expect(delivered.count == 1, "\(delivered) \(harness.messages)")
        let locator = try #require(delivered.first)
        #expect(harness.collector.text(of: locator) == Self.credentials)
        // libarchive replaces the lone surrogate when it can; else the position names it.
        if locator.hasPrefix("odd.7z!#") {
            #expect(harness.reported(locator, "member name cannot be read: named by its position"))
        } else {
            #expect(locator.hasPrefix("odd.7z!logs/") && locator.hasSuffix("odd.txt"))
        }
    }

    /// `cat x | 7zz a -sicombo.txt out.7z` stores the member with a FIFO's mode: it is read,
    /// and a bomb stored so goes through the same byte budget.
    @Test func aMemberStoredFromAPipeIsReadAndBudgeted() throws {
        let tools = ArchiveTools()
        let tool = try #require(ArchiveTools.sevenZip)
        try tools.run(tool.path, ["a", "-bd", "-sicombo.txt", "si.7z"], stdin: Data(Self.credentials.utf8))
        let harness = DecodeHarness()
        harness.readFile(tools.scratch.path + "/si.7z", locator: "si.7z")
        #expect(harness.collector.text(of: "si.7z!combo.txt") == Self.credentials)
        #expect(harness.messages.isEmpty, "\(harness.messages)")

        try tools.run(
            tool.path,
            ["a", "-bd", "-mx=9", "-sizeros.txt", "bomb.7z"],
            stdin: Data(repeating: 0x30, count: 24 << 20)
        )
        var limits = ScanLimits()
        limits.ratioGrace = 1 << 20
        limits.maxCompressionRatio = 100
        let bomb = DecodeHarness(limits: limits)
        bomb.readFile(tools.scratch.path + "/bomb.7z", locator: "bomb.7z")
        #expect(bomb.reported("bomb.7z!zeros.txt", "decompression bomb"), "\(bomb.messages)")
        #expect(bomb.collector.bytes(of: "bomb.7z!zeros.txt").count < 24 << 20)
    }

    /// Text that compresses about ten times, in lines that tell where they are.
    static let longText = (0..<24000).map {
        "https://site\($0 % 977).example/p/\($0):user\($0)@example.test:pw-\($0 * 7919)\n"
    }
    .joined()

    /// A truncated xz or zstd stream delivers what decompresses before the cut (libarchive's
    /// blocks of 64 KiB or so), then names the input.
    @Test(arguments: [("xz", "xz"), ("zstd", "zst"), ("bzip2", "bz2")])
    func aTruncatedStreamDeliversItsPrefix(tool: String, suffix: String) throws {
        let tools = ArchiveTools()
        // From a file: the tool's output would fill its pipe while its input is still written.
        let input = tools.scratch.write("dump.txt", Self.longText)
        let whole = Array(try tools.run(tool, ["-c", input]))
        let cut = Array(whole[0..<(whole.count * 2 / 3)])
        let harness = DecodeHarness()
        harness.readStream(cut, locator: "dump.txt.\(suffix)")
        let delivered = harness.collector.text(of: "dump.txt.\(suffix)") ?? ""
        #expect(delivered.utf8.count > Self.longText.utf8.count / 4, "\(delivered.utf8.count) bytes")
        #expect(Self.longText.hasPrefix(delivered))
        #expect(harness.errors.count == 1, "\(harness.errors)")
        #expect(harness.reported("dump.txt.\(suffix)"))
    }

    /// A truncated tar.xz: the members before the damage are read.
    @Test func theMembersOfATruncatedTarXZBeforeTheCutAreRead() throws {
        let tools = ArchiveTools()
        let part = Self.longText.utf8.count / 3
        let text = Array(Self.longText.utf8)
        tools.scratch.write("tv/a.txt", Array(text[0..<part]))
        tools.scratch.write("tv/b.txt", Array(text[part..<(2 * part)]))
        tools.scratch.write("tv/c.txt", Array(text[(2 * part)...]))
        try tools.run("tar", ["-cJf", "tv.tar.xz", "tv/a.txt", "tv/b.txt", "tv/c.txt"])
        let whole = tools.bytes(tools.scratch.path + "/tv.tar.xz")
        let harness = DecodeHarness()
        harness.readStream(Array(whole[0..<(whole.count * 5 / 6)]), locator: "tv.tar.xz")
        #expect(harness.collector.bytes(of: "tv.tar.xz!tv/a.txt") == Array(text[0..<part]))
        #expect(harness.collector.bytes(of: "tv.tar.xz!tv/b.txt") == Array(text[part..<(2 * part)]))
        #expect(!harness.errors.isEmpty)
        #expect(harness.errors.allSatisfy { $0.contains("tv.tar.xz") })
    }

    /// A 7-Zip tool that counts its runs in a file, then runs the real one.
    func countingTool(_ tools: ArchiveTools) throws -> (SevenZipTool, runs: () -> Int) {
        let real = try #require(ArchiveTools.sevenZip)
        let log = tools.scratch.path + "/runs.log"
        let script = tools.scratch.write(
            "7zz-counting",
            "#!/bin/sh\necho run >> '\(log)'\nexec '\(real.path)' \"$@\"\n"
        )
        chmod(script, 0o700)
        let runs = { (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").count ?? 0 }
        return (SevenZipTool(path: script), runs)
    }

    /// An encrypted pack of many small members costs a run of 7-Zip per password, not per
    /// member and password: the tool's output is cut by the sizes of its listing (empty
    /// members, links and folders included), and each member is read under its own name.
    @Test(arguments: [false, true])
    func anEncryptedPackOfManyMembersTakesOneRunPerPassword(encryptsHeaders: Bool) throws {
        let tools = ArchiveTools()
        var files: [String: String] = ["empty.txt": "", "sub/é/last.txt": Self.credentials]
        for index in 0..<300 {
            files["m\(index).txt"] = "https://site\(index).example/login:u\(index)@example.test:pw\(index)\n"
        }
        tools.files("pack", files)
        try FileManager.default.createSymbolicLink(
            atPath: tools.scratch.path + "/pack/link.txt",
            withDestinationPath: "m1.txt"
        )
        let options = ["-snl", "-p" + Self.password] + (encryptsHeaders ? ["-mhe=on"] : [])
        let path = try tools.sevenZip("pack.7z", "pack", options)
        let (tool, runs) = try countingTool(tools)
        var harness = DecodeHarness()
        harness.options.archives.passwords = ArchivePasswords([Array("wrong".utf8), Array(Self.password.utf8)])
        harness.options.archives.sevenZipTool = tool
        harness.readFile(path, locator: "pack.7z")
        for (name, text) in files where !text.isEmpty {
            #expect(harness.collector.text(of: "pack.7z!pack/" + name) == text, "\(name)")
        }
        #expect(harness.collector.text(of: "pack.7z!pack/link.txt") == nil)
        #expect(harness.messages.isEmpty, "\(harness.messages)")
        // A listing (two when the list is encrypted and the wrong password comes first), then
        // one extraction per password tried.
        #expect(runs() == (encryptsHeaders ? 4 : 3))
    }

    /// No password opens the pack: a few members are named, the others counted, none read.
    @Test func theMembersOfAPackNoPasswordOpensAreNamedThenCounted() throws {
        let tools = ArchiveTools()
        var files: [String: String] = [:]
        for index in 0..<40 { files["m\(index).txt"] = "u\(index)@example.test:pw\(index)\n" }
        tools.files("pack", files)
        let path = try tools.sevenZip("pack.7z", "pack", ["-p" + Self.password])
        var harness = DecodeHarness()
        harness.options.archives.passwords = ArchivePasswords([Array("wrong".utf8)])
        harness.options.archives.sevenZipTool = ArchiveTools.sevenZip
        harness.readFile(path, locator: "pack.7z")
        #expect(harness.collector.all.isEmpty)
        #expect(harness.errors.count == SevenZipTool.namedFailures + 1, "\(harness.errors)")
        #expect(harness.reported("pack.7z: 24 more encrypted members: none of the 1 archive passwords opens them"))
    }

    /// An encrypted bomb goes through the byte budget: cut off and said, the scan ends.
    @Test func anEncryptedBombIsCutOff() throws {
        let tools = ArchiveTools()
        tools.scratch.write("bomb/zeros.txt", [UInt8](repeating: 0x30, count: 24 << 20))
        let path = try tools.sevenZip("bomb.7z", "bomb", ["-mx=9", "-p" + Self.password])
        var limits = ScanLimits()
        limits.ratioGrace = 1 << 20
        limits.maxCompressionRatio = 100
        var harness = DecodeHarness(limits: limits)
        harness.options.archives.passwords = ArchivePasswords([Array(Self.password.utf8)])
        harness.options.archives.sevenZipTool = ArchiveTools.sevenZip
        harness.readFile(path, locator: "bomb.7z")
        #expect(harness.reported("bomb.7z", "decompression bomb"), "\(harness.messages)")
        #expect(harness.collector.bytes(of: "bomb.7z!bomb/zeros.txt").count < 24 << 20)
    }

    /// An encrypted zip member without any password says how to give one.
    @Test func anEncryptedZipMemberWithoutAPasswordSaysHowToGiveOne() throws {
        let tools = ArchiveTools()
        tools.files("logs", ["passwords.txt": Self.credentials])
        try tools.run("zip", ["-q", "-r", "-P", Self.password, "pack.zip", "logs"])
        let harness = DecodeHarness()
        harness.readFile(tools.scratch.path + "/pack.zip", locator: "pack.zip")
        #expect(
            harness.errors == [
                "credwatch: error: pack.zip!logs/passwords.txt: encrypted member: not read: "
                    + "give the pack's password with --archive-password"
            ]
        )
    }
}
