import Foundation
import Testing

@testable import CredWatch

/// Archives the real tools make (7-Zip, Info-ZIP `zip`, xz, bzip2, zstd, lzma; installed by
/// `make test-deps`), in a scratch folder.
struct ArchiveTools {
    let scratch = DecodeScratchDirectory()

    /// The 7-Zip tool the scan would use.
    static let sevenZip = SevenZipTool.find(searchPath: "/usr/bin:/bin:/usr/local/bin")

    /// Runs `tool` with `arguments` in the scratch folder; the tool must succeed.
    @discardableResult
    func run(_ tool: String, _ arguments: [String], stdin: Data? = nil) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool.hasPrefix("/") ? tool : "/usr/bin/" + tool)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: scratch.path)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(tool) \(arguments)")
        return data
    }

    /// Writes the files (relative path → text) into a folder of the scratch directory.
    func files(_ folder: String, _ contents: [String: String]) {
        for (name, text) in contents { scratch.write(folder + "/" + name, text) }
    }

    /// Makes an archive with 7-Zip of the folder `folder`: `7zz a <options> <archive> <folder>`.
    func sevenZip(_ archive: String, _ folder: String, _ options: [String] = []) throws -> String {
        let tool = try #require(Self.sevenZip, "7-Zip is installed by make test-deps")
        try run(tool.path, ["a", "-bd"] + options + [archive, folder])
        return scratch.path + "/" + archive
    }

    func bytes(_ path: String) -> [UInt8] {
        Array(FileManager.default.contents(atPath: path) ?? Data())
    }
}

@Suite("7z, RAR and compressed streams through libarchive")
struct LibArchiveTests {
    static let credentials = "https://portal.example/login:alice@example.test:Secret-One\n"
    static let notes = "just some notes\n"

    /// A 7z archive is read member by member, with the names of its members: as a file (at
    /// random) and from a stream (copied to an unlinked temporary file first).
    @Test func sevenZipMembersAreReadByName() throws {
        let tools = ArchiveTools()
        tools.files("logs", ["FR/passwords.txt": Self.credentials, "notes.txt": Self.notes])
        let archive = try tools.sevenZip("pack.7z", "logs")
        let file = DecodeHarness()
        file.readFile(archive, locator: "pack.7z")
        #expect(file.collector.text(of: "pack.7z!logs/FR/passwords.txt") == Self.credentials)
        #expect(file.collector.text(of: "pack.7z!logs/notes.txt") == Self.notes)
        #expect(file.messages.isEmpty)

        let stream = DecodeHarness()
        stream.readStream(tools.bytes(archive), locator: "-", readSize: 7)
        #expect(stream.collector.text(of: "-!logs/FR/passwords.txt") == Self.credentials)
        #expect(stream.collector.text(of: "-!logs/notes.txt") == Self.notes)
        #expect(stream.messages.isEmpty)
    }

    @Test(arguments: [4, 5])
    func storedRARMembersAreReadByName(version: Int) {
        let members = [RARFixture.Member("Wallet/passwords.txt", Self.credentials), .init("notes.txt", Self.notes)]
        let bytes = version == 4 ? RARFixture.rar4(members) : RARFixture.rar5(members)
        let scratch = DecodeScratchDirectory()
        let path = scratch.write("pack.rar", bytes)
        let file = DecodeHarness()
        file.readFile(path, locator: "pack.rar")
        #expect(file.collector.text(of: "pack.rar!Wallet/passwords.txt") == Self.credentials)
        #expect(file.collector.text(of: "pack.rar!notes.txt") == Self.notes)
        #expect(file.messages.isEmpty)
        let stream = DecodeHarness()
        stream.readStream(bytes, locator: "pack.rar", readSize: 3)
        #expect(stream.collector.text(of: "pack.rar!Wallet/passwords.txt") == Self.credentials)
        #expect(stream.collector.text(of: "pack.rar!notes.txt") == Self.notes)
        #expect(stream.messages.isEmpty)
    }

    /// A damaged header (its checksum does not match) is named; what came before it is read.
    /// (libarchive 3.6 does not check the checksum of stored RAR data: see the README.)
    @Test(arguments: [4, 5])
    func aDamagedRARHeaderIsNamedAndWhatCameBeforeIsRead(version: Int) {
        let members = [RARFixture.Member("good.txt", Self.credentials), .init("second.txt", Self.notes)]
        var bytes = version == 4 ? RARFixture.rar4(members) : RARFixture.rar5(members)
        // The second member's name, inside its header.
        bytes[bytes.firstRange(of: Array("second".utf8))!.lowerBound] ^= 0x20
        let harness = DecodeHarness()
        harness.readStream(bytes, locator: "pack.rar")
        #expect(harness.collector.text(of: "pack.rar!good.txt") == Self.credentials)
        #expect(harness.collector.text(of: "pack.rar!second.txt") == nil)
        #expect(
            harness.errors.contains { $0.hasPrefix("credwatch: error: pack.rar: corrupt rar archive") },
            "\(harness.errors)"
        )
    }

    /// A truncated archive: what lies before the cut is read, the cut is named.
    @Test(arguments: [4, 5])
    func aTruncatedRARIsNamed(version: Int) {
        let members = [RARFixture.Member("first.txt", Self.credentials), .init("second.txt", Self.notes)]
        let whole = version == 4 ? RARFixture.rar4(members) : RARFixture.rar5(members)
        let cut = Array(whole[0..<(whole.firstRange(of: Array("just".utf8))!.lowerBound + 2)])
        let harness = DecodeHarness()
        harness.readStream(cut, locator: "cut.rar")
        #expect(harness.collector.text(of: "cut.rar!first.txt") == Self.credentials)
        #expect(harness.errors.contains { $0.contains("cut.rar") })
    }

    @Test func aTruncatedOrDamagedSevenZipIsNamed() throws {
        let tools = ArchiveTools()
        tools.files("logs", ["passwords.txt": Self.credentials])
        let whole = tools.bytes(try tools.sevenZip("pack.7z", "logs"))
        let truncated = DecodeHarness()
        truncated.readStream(Array(whole[0..<(whole.count - 20)]), locator: "cut.7z")
        #expect(truncated.errors.contains { $0.contains("cut.7z") && $0.contains("7z archive") })
        var damaged = whole
        for index in 40..<min(60, damaged.count - 40) { damaged[index] ^= 0x5A }
        let harness = DecodeHarness()
        harness.readStream(damaged, locator: "bad.7z")
        #expect(harness.errors.contains { $0.contains("bad.7z") })
    }

    /// bzip2, xz, lzma and zstd streams are read like gzip: their content by the name without
    /// the suffix (a tarball inside is read by the tar reader).
    @Test(arguments: [("bzip2", "bz2"), ("xz", "xz"), ("lzma", "lzma"), ("zstd", "zst")])
    func compressedStreamsAreRead(tool: String, suffix: String) throws {
        let tools = ArchiveTools()
        let compressed = try tools.run(tool, ["-c"], stdin: Data(Self.credentials.utf8))
        let harness = DecodeHarness()
        harness.readStream(Array(compressed), locator: "dump.txt.\(suffix)")
        #expect(harness.collector.text(of: "dump.txt.\(suffix)") == Self.credentials)
        #expect(harness.messages.isEmpty)
    }

    /// A 7z in a zip in a RAR: every layer is opened up to the depth limit, and the next is named.
    @Test func nestedArchivesAreReadUpToTheDepthLimit() throws {
        let tools = ArchiveTools()
        tools.files("logs", ["passwords.txt": Self.credentials])
        let sevenZip = tools.bytes(try tools.sevenZip("inner.7z", "logs"))
        let zip = ZipFixture([.init("inner.7z", sevenZip)]).build()
        let rar = RARFixture.rar5([.init("mid.zip", bytes: zip)])
        let harness = DecodeHarness()
        harness.readStream(rar, locator: "outer.rar")
        #expect(harness.collector.text(of: "outer.rar!mid.zip!inner.7z!logs/passwords.txt") == Self.credentials)
        #expect(harness.messages.isEmpty)

        var limits = ScanLimits()
        limits.maxNestingDepth = 2
        let shallow = DecodeHarness(limits: limits)
        shallow.readStream(rar, locator: "outer.rar")
        #expect(shallow.collector.all.isEmpty)
        #expect(
            shallow.errors == [
                "credwatch: error: outer.rar!mid.zip!inner.7z: 7z archive nested more than 2 containers deep: not read"
            ]
        )
    }

    /// A 7z whose member expands far beyond its size is cut off by the budget.
    @Test func aSevenZipBombIsCutOff() throws {
        let tools = ArchiveTools()
        tools.scratch.write("bomb/zeros.txt", [UInt8](repeating: 0x30, count: 48 << 20))
        let archive = try tools.sevenZip("bomb.7z", "bomb", ["-mx=9"])
        var limits = ScanLimits()
        limits.ratioGrace = 1 << 20
        limits.maxCompressionRatio = 100
        let harness = DecodeHarness(limits: limits)
        harness.readFile(archive, locator: "bomb.7z")
        #expect(harness.reported("bomb.7z!bomb/zeros.txt", "decompression bomb"))
        #expect(harness.collector.bytes(of: "bomb.7z!bomb/zeros.txt").count < 48 << 20)
    }

    /// An encrypted RAR member (libarchive cannot decrypt RAR) is named, the others are read.
    @Test(arguments: [4, 5])
    func encryptedRARMembersAreNamed(version: Int) {
        let members = [RARFixture.Member("secret.txt", "x:y\n", isEncrypted: true), .init("plain.txt", Self.notes)]
        let bytes = version == 4 ? RARFixture.rar4(members) : RARFixture.rar5(members)
        let harness = DecodeHarness()
        harness.readStream(bytes, locator: "pack.rar")
        #expect(harness.collector.text(of: "pack.rar!plain.txt") == Self.notes)
        #expect(harness.reported("pack.rar!secret.txt", "encrypted member: not read"), "\(harness.messages)")
        #expect(harness.errors.count == 1)

        // With a password: libarchive cannot decrypt RAR; the 7-Zip tool needs a file, and
        // Debian's reads no RAR. Either way the member is named, never read as plain data.
        var withPassword = DecodeHarness()
        withPassword.options.archives.passwords = ArchivePasswords([Array("pw".utf8)])
        withPassword.options.archives.sevenZipTool = ArchiveTools.sevenZip
        withPassword.readStream(bytes, locator: "-")
        #expect(withPassword.reported("-!secret.txt", "encrypted member: not read", "as a stream"))
        let scratch = DecodeScratchDirectory()
        withPassword.readFile(scratch.write("pack.rar", bytes), locator: "pack.rar")
        #expect(withPassword.reported("pack.rar!secret.txt", "encrypted member"))
        #expect(withPassword.collector.text(of: "pack.rar!secret.txt") == nil)
        #expect(withPassword.collector.text(of: "pack.rar!plain.txt") == Self.notes)
    }
}

@Suite("encrypted archive members, with the archive passwords")
struct EncryptedArchiveTests {
    static let credentials = LibArchiveTests.credentials
    static let password = "infected chan#42"

    func harness(_ passwords: [String], tool: SevenZipTool? = ArchiveTools.sevenZip) -> DecodeHarness {
        var harness = DecodeHarness()
        harness.options.archives.passwords = ArchivePasswords(passwords.map { Array($0.utf8) })
        harness.options.archives.sevenZipTool = tool
        return harness
    }

    /// The archives of one folder, each encrypted with `password` in its own way.
    func encryptedArchives(_ tools: ArchiveTools) throws -> [(name: String, path: String)] {
        tools.files("logs", ["passwords.txt": Self.credentials])
        try tools.run("zip", ["-q", "-r", "-P", Self.password, "zipcrypto.zip", "logs"])
        return [
            ("zipcrypto.zip", tools.scratch.path + "/zipcrypto.zip"),
            ("aes.zip", try tools.sevenZip("aes.zip", "logs", ["-tzip", "-p" + Self.password, "-mem=AES256"])),
            ("aes.7z", try tools.sevenZip("aes.7z", "logs", ["-t7z", "-p" + Self.password])),
            ("headers.7z", try tools.sevenZip("headers.7z", "logs", ["-t7z", "-p" + Self.password, "-mhe=on"])),
        ]
    }

    /// Every kind is opened by the right password among wrong ones: as a file and from a stream.
    @Test func eachEncryptionIsOpenedByItsPassword() throws {
        let tools = ArchiveTools()
        for (name, path) in try encryptedArchives(tools) {
            let file = harness(["wrong", Self.password, "another"])
            file.readFile(path, locator: name)
            #expect(file.collector.text(of: name + "!logs/passwords.txt") == Self.credentials, "\(name)")
            #expect(file.messages.isEmpty, "\(name): \(file.messages)")

            let stream = harness([Self.password])
            stream.readStream(tools.bytes(path), locator: "-", readSize: 1000)
            #expect(stream.collector.text(of: "-!logs/passwords.txt") == Self.credentials, "\(name) streamed")
            #expect(stream.messages.isEmpty, "\(name) streamed: \(stream.messages)")
        }
    }

    /// A wrong password, or none: the member is named as not read, and no password is ever
    /// written in a message.
    @Test func aMemberNoPasswordOpensIsNamed() throws {
        let tools = ArchiveTools()
        for (name, path) in try encryptedArchives(tools) {
            let wrong = harness(["not-it-1", "not-it-2"])
            wrong.readFile(path, locator: name)
            #expect(wrong.collector.text(of: name + "!logs/passwords.txt") == nil, "\(name)")
            #expect(!wrong.errors.isEmpty, "\(name)")
            #expect(wrong.errors.allSatisfy { $0.contains(name) && $0.contains("encrypted") }, "\(wrong.errors)")
            #expect(!wrong.messages.joined().contains("not-it"))

            let none = harness([])
            none.readFile(path, locator: name)
            #expect(none.collector.text(of: name + "!logs/passwords.txt") == nil)
            #expect(none.errors.allSatisfy { $0.contains("encrypted") }, "\(none.errors)")
            #expect(!none.errors.isEmpty)
        }
    }

    /// A member larger than what is held back while the password is judged streams whole from
    /// the 7-Zip tool, after a wrong password was tried first.
    @Test func aLargeEncryptedSevenZipMemberStreamsWhole() throws {
        let tools = ArchiveTools()
        let lines = (0..<8000).map { "https://site\($0).example/login:user\($0)@example.test:pw-\($0)\n" }.joined()
        tools.files("logs", ["combo.txt": lines])
        let path = try tools.sevenZip("big.7z", "logs", ["-t7z", "-p" + Self.password, "-mhe=on"])
        let harness = harness(["wrong", Self.password])
        harness.readFile(path, locator: "big.7z")
        #expect(lines.utf8.count > SevenZipTool.probeSize)
        #expect(harness.collector.text(of: "big.7z!logs/combo.txt") == lines)
        #expect(harness.messages.isEmpty, "\(harness.messages)")
    }

    /// Without the 7-Zip tool, an encrypted 7z member is named: libarchive cannot decrypt 7z.
    @Test func withoutTheToolAnEncryptedSevenZipMemberIsNamed() throws {
        let tools = ArchiveTools()
        tools.files("logs", ["passwords.txt": Self.credentials])
        let path = try tools.sevenZip("aes.7z", "logs", ["-t7z", "-p" + Self.password])
        let harness = harness([Self.password], tool: nil)
        harness.readFile(path, locator: "aes.7z")
        #expect(harness.errors.count == 1)
        #expect(harness.reported("aes.7z!logs/passwords.txt", "encrypted member: not read", "no 7-Zip tool"))
    }

    /// An encrypted 7z inside an encrypted zip, streamed: both layers are opened.
    @Test func nestedEncryptedArchivesAreOpened() throws {
        let tools = ArchiveTools()
        tools.files("logs", ["passwords.txt": Self.credentials])
        _ = try tools.sevenZip("inner.7z", "logs", ["-t7z", "-pinner-secret"])
        try tools.run("zip", ["-q", "-P", Self.password, "outer.zip", "inner.7z"])
        let harness = harness([Self.password, "inner-secret"])
        harness.readStream(tools.bytes(tools.scratch.path + "/outer.zip"), locator: "-")
        #expect(harness.collector.text(of: "-!inner.7z!logs/passwords.txt") == Self.credentials)
        #expect(harness.messages.isEmpty, "\(harness.messages)")
    }
}
