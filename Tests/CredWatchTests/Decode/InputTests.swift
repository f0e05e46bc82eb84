import Foundation
import Testing

@testable import CredWatch

@Suite("Input: walking arguments and opening files")
struct InputTests {
    private func walk(_ arguments: [String], _ diagnostics: Diagnostics) -> [InputSource] {
        var sources: [InputSource] = []
        InputWalker(diagnostics: diagnostics).walk(arguments) { sources.append($0) }
        return sources
    }

    /// The locators of the files found (standard input left out).
    private func walkedFiles(_ arguments: [String], _ diagnostics: Diagnostics) -> [String] {
        walk(arguments, diagnostics).compactMap { source in
            if case .file(let file) = source { return file.locator }
            return nil
        }
    }

    @Test func directoriesAreWalkedInNameByteOrder() {
        let scratch = DecodeScratchDirectory()
        scratch.write("logs/b.txt", "b")
        scratch.write("logs/a/z.txt", "z")
        scratch.write("logs/a/Passwords.txt", "p")
        scratch.write("logs/B.txt", "B")
        scratch.write("logs/a b/c.txt", "c")
        scratch.write("logs/é.txt", "e")
        mkfifo(scratch.path + "/logs/fifo", 0o600)
        let diagnostics = Diagnostics(output: nil)
        let root = scratch.path + "/logs"
        let sources = walk(["-", root + "/", scratch.path + "/logs/b.txt"], diagnostics)
        let expected = ["B.txt", "a/Passwords.txt", "a/z.txt", "a b/c.txt", "b.txt", "é.txt"].map { root + "/" + $0 }
        #expect(sources.map(\.locator) == ["-"] + expected)
        // b.txt, named again after its folder was walked, is not read twice.
        #expect(diagnostics.inputs.load(ordering: .relaxed) == 7)
        #expect(diagnostics.duplicates.load(ordering: .relaxed) == 1)
        #expect(diagnostics.allMessages == ["credwatch: warning: \(root)/fifo: FIFO, not a regular file: skipped"])
    }

    @Test func symbolicLinksAreFollowedAndLoopsReported() {
        let scratch = DecodeScratchDirectory()
        scratch.write("root/real/x.txt", "x")
        symlink(scratch.path + "/root/real", scratch.path + "/root/alias")
        symlink(scratch.path + "/root", scratch.path + "/root/real/back")
        symlink(scratch.path + "/root/self", scratch.path + "/root/self")
        let diagnostics = Diagnostics(output: nil)
        let root = scratch.path + "/root"
        let locators = walkedFiles([root], diagnostics)
        // `real` is the folder `alias` already led to, and `back` leads to the root: each folder
        // is walked once, the other paths to it are counted as duplicates, not errors.
        #expect(locators == [root + "/alias/x.txt"])
        #expect(diagnostics.duplicates.load(ordering: .relaxed) == 2)
        #expect(diagnostics.allMessages == ["credwatch: error: \(root)/self: symbolic link loop: skipped"])
    }

    @Test func missingPathsAndEmptyFilesAreReported() {
        let scratch = DecodeScratchDirectory()
        let empty = scratch.write("empty.txt", [])
        scratch.write("dir/empty-inside.txt", [])
        let diagnostics = Diagnostics(output: nil)
        let sources = walkedFiles([scratch.path + "/missing.zip", empty, scratch.path + "/dir"], diagnostics)
        #expect(sources == [empty, scratch.path + "/dir/empty-inside.txt"])
        #expect(
            diagnostics.allMessages == [
                "credwatch: error: \(scratch.path)/missing.zip: cannot read: No such file or directory",
                "credwatch: warning: \(empty): empty file",
            ]
        )
    }

    @Test func unreadableFilesAreReportedAndTheRunGoesOn() throws {
        let scratch = DecodeScratchDirectory()
        let locked = scratch.write("locked.txt", "a:b\n")
        let readable = scratch.write("open.txt", "c:d\n")
        chmod(locked, 0)
        let harness = DecodeHarness()
        harness.readFile(locked)
        harness.readFile(scratch.path)  // a directory where a file was expected: read fails
        harness.readFile(readable)
        #expect(harness.collector.locators.last == readable)
        #expect(harness.reported("error: \(scratch.path): read failed: Is a directory"))
        // Permissions are not enforced for root.
        if geteuid() != 0 {
            #expect(harness.reported("error: \(locked): cannot open: Permission denied"))
            #expect(harness.collector.locators == [readable])
        }
    }

    /// Formats are recognised by their first bytes, whatever the name says.
    @Test(arguments: ["combo.txt", "combo.zip", "combo.gz", "combo.tar", "Screenshot.jpg"])
    func magicBytesDecideNotExtensions(name: String) {
        let text = "user@example.test:secret\n"
        let scratch = DecodeScratchDirectory()
        let formats: [(String, [UInt8])] = [
            ("plain", Array(text.utf8)),
            ("gzip", DecodeCompression.gzip(text)),
            ("zlib", DecodeCompression.zlib(Array(text.utf8))),
            ("zip", ZipFixture([.init("inner.txt", text)]).build()),
            ("tar", TarFixture([.file("inner.txt", Array(text.utf8))]).build()),
        ]
        for (format, bytes) in formats {
            let harness = DecodeHarness()
            let path = scratch.write(format + "/" + name, bytes)
            harness.readFile(path, locator: name)
            let isArchive = format == "zip" || format == "tar"
            // Named as an input, even `Screenshot.jpg` is read: its bytes say it is text.
            let expected = [isArchive ? name + "!inner.txt" : name]
            #expect(harness.collector.locators == expected, "\(format) named \(name)")
            #expect(harness.collector.text(of: expected[0]) == text)
            #expect(harness.messages.isEmpty)
        }
    }

    /// Text that happens to start with a valid zlib header ("x^" is 78 5E) is still text.
    @Test func textStartingLikeZlibIsText() {
        let text = "x^2+y^2:formula@example.test:pythagore\nnext@example.test:pw\n"
        let harness = DecodeHarness()
        harness.readStream(Array(text.utf8), locator: "maths.txt")
        #expect(harness.collector.text(of: "maths.txt") == text)
        #expect(harness.messages.isEmpty)
    }

    /// 7z, RAR and xz are read now (through libarchive): what is only their magic number is
    /// named as a damaged archive or stream (the input is incomplete), never read as text.
    @Test(
        arguments: [
            ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, 0x00, 0x04], "corrupt 7z archive"),
            ([0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x01, 0x00], "corrupt rar archive"),
            ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00, 0x04], "corrupt xz stream"),
        ] as [([UInt8], String)]
    )
    func damagedArchivesAreNamed(magic: [UInt8], message: String) {
        let harness = DecodeHarness()
        harness.readStream(magic + [UInt8](repeating: 0x42, count: 100), locator: "logs.bin")
        #expect(harness.errors.count == 1)
        #expect(harness.errors.first?.hasPrefix("credwatch: error: logs.bin: \(message)") == true, "\(harness.errors)")
        #expect(harness.collector.all.isEmpty)
    }

    @Test func sourcesAreReadConcurrently() {
        let scratch = DecodeScratchDirectory()
        let paths = (0..<8).map { index in
            scratch.write(
                "in\(index).gz",
                DecodeCompression.gzip(String(repeating: "u\(index)@example.test:p\n", count: 2000))
            )
        }
        let harness = DecodeHarness()
        let reader = harness.reader
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            reader.read(.file(path: paths[index], locator: "in\(index).gz"))
        }
        for index in 0..<8 {
            #expect(
                harness.collector.text(of: "in\(index).gz")
                    == String(repeating: "u\(index)@example.test:p\n", count: 2000)
            )
        }
        #expect(harness.messages.isEmpty)
    }
}
