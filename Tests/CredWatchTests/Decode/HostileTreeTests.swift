import Foundation
import Testing

@testable import CredWatch

/// A scratch folder built with the `*at` calls, so names can be any bytes and paths any length.
final class RawTree {
    let path: String
    let root: Int32

    init() {
        path = NSTemporaryDirectory() + "credwatch-tree-" + UUID().uuidString
        mkdir(path, 0o700)
        root = open(path, O_RDONLY | O_DIRECTORY)
        precondition(root >= 0, "cannot open \(path)")
    }

    deinit {
        close(root)
        // rm walks any depth; FileManager stops at PATH_MAX. Folders made unreadable get their
        // permissions back first.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "chmod -R u+rwx \"$0\" 2>/dev/null; rm -rf \"$0\"", path]
        try? process.run()
        process.waitUntilExit()
    }

    /// Creates folder `name` in the open folder `parent` and returns it open.
    func folder(_ name: [UInt8], in parent: Int32) -> Int32 {
        Self.withName(name) { _ = mkdirat(parent, $0, 0o700) }
        return Self.withName(name) { openat(parent, $0, O_RDONLY | O_DIRECTORY) }
    }

    func file(_ name: [UInt8], in parent: Int32, _ content: String) {
        let descriptor = Self.withName(name) { openat(parent, $0, O_WRONLY | O_CREAT | O_TRUNC, 0o600) }
        precondition(descriptor >= 0, "cannot create \(name)")
        _ = content.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress!, $0.count - 1) }
        close(descriptor)
    }

    func link(_ name: [UInt8], in parent: Int32, to target: String) {
        Self.withName(name) { _ = symlinkat(target, parent, $0) }
    }

    func fifo(_ name: [UInt8], in parent: Int32) {
        Self.withName(name) { _ = mkfifoat(parent, $0, 0o600) }
    }

    static func withName<R>(_ name: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        (name + [0]).withUnsafeBufferPointer {
            body(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self))
        }
    }

    /// Identity of a file below the tree, reached through `file`'s own open.
    static func identity(_ file: InputFile) -> [UInt64]? {
        guard let descriptor = try? file.open() else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }
}

/// Deterministic random numbers for generated trees.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        var mixed = state
        mixed ^= mixed >> 33
        mixed = mixed &* 0xFF51_AFD7_ED55_8CCD
        return mixed ^ (mixed >> 29)
    }
}

@Suite("Input: hostile folder trees")
struct HostileTreeTests {
    private func walk(_ path: String) -> (files: [InputFile], diagnostics: Diagnostics) {
        let diagnostics = Diagnostics(output: nil)
        var files: [InputFile] = []
        InputWalker(diagnostics: diagnostics).walk([path]) { source in
            if case .file(let file) = source { files.append(file) }
        }
        return (files, diagnostics)
    }

    /// A random name of 2 to 255 bytes (the 1-byte ones are `namesOfEveryLengthAreReadWhole`): any byte but NUL and `/`, sometimes not UTF-8.
    private static func name(_ random: inout SeededRandom, unique index: Int) -> [UInt8] {
        let tag = Array(String(index, radix: 36).utf8)
        let length = Int.random(in: (tag.count + 1)...255, using: &random)
        var name = tag + [0x2E]
        while name.count < length {
            // Eight bytes a draw: a byte-at-a-time generator made the test slow.
            for byte in withUnsafeBytes(of: random.next(), Array.init) where byte != 0 && byte != 0x2F {
                name.append(byte)
            }
        }
        return Array(name.prefix(length))
    }

    /// Trees of many shapes, over 100,000 entries in all: folders of 1 to 5,000 entries, names of
    /// 1 to 255 bytes (many not UTF-8), links to files and folders (loops among them), FIFOs,
    /// links to devices. Every regular file is found exactly once, each opens as what it is, and
    /// each special file is named.
    @Test func generatedTreesAreWalkedCompletely() {
        var random = SeededRandom(state: 2024)
        var entries = 0
        var shape = 0
        let sizes = [1, 2, 17, 300, 1000, 5000]
        while entries < 100_000 {
            let tree = RawTree()
            var expectedFiles = 0
            var specials = 0
            var outside = 0
            var folders: [(descriptor: Int32, path: String)] = [(tree.root, tree.path)]
            let folderCount = [1, 3, 20, 60][shape % 4]
            for index in 0..<folderCount {
                let parent = folders[Int.random(in: 0..<folders.count, using: &random)]
                let name = Self.name(&random, unique: 1_000_000 + index)
                let descriptor = tree.folder(name, in: parent.descriptor)
                folders.append((descriptor, parent.path))
                entries += 1
            }
            for (index, folder) in folders.enumerated() {
                let size = sizes[(shape + index) % sizes.count]
                for item in 0..<size {
                    let name = Self.name(&random, unique: item)
                    switch Int.random(in: 0..<100, using: &random) {
                    case 0..<90:
                        tree.file(name, in: folder.descriptor, "u\(item)@example.test:pw\n")
                        expectedFiles += 1
                    case 90..<94:
                        // A link to the tree's root: a loop, walked once.
                        tree.link(name, in: folder.descriptor, to: tree.path)
                    case 94..<97:
                        tree.fifo(name, in: folder.descriptor)
                        specials += 1
                    case 97..<99:
                        // Leads outside the tree: named, not followed.
                        tree.link(name, in: folder.descriptor, to: "/dev/null")
                        outside += 1
                    default:
                        tree.link(name, in: folder.descriptor, to: "missing-\(item)")
                    }
                    entries += 1
                }
            }
            let (files, diagnostics) = walk(tree.path)
            let identities = files.compactMap(RawTree.identity)
            #expect(identities.count == files.count, "every file found opens")
            #expect(Set(identities).count == identities.count, "no file is read twice")
            #expect(files.count == expectedFiles)
            let skipped = diagnostics.allMessages.filter { $0.contains("not a regular file: skipped") }
            #expect(skipped.count == specials)
            let notFollowed = diagnostics.allMessages.filter { $0.contains("outside the folder walked: not followed") }
            #expect(notFollowed.count == outside)
            #expect(!diagnostics.allMessages.contains { $0.contains("\n") || $0.contains("\u{1B}") })
            for folder in folders.dropFirst() { close(folder.descriptor) }
            shape += 1
        }
        #expect(entries >= 100_000)
    }

    /// `readdir` records are only as long as their name: names of every length from 1 to 255
    /// bytes come back whole.
    @Test func namesOfEveryLengthAreReadWhole() {
        let tree = RawTree()
        for length in 1...255 {
            var name = Array(String(length).utf8) + [0x2D]
            name += [UInt8](repeating: 0x61 + UInt8(length % 26), count: max(0, length - name.count))
            tree.file(Array(name.prefix(length)), in: tree.root, "x\n")
        }
        let (files, _) = walk(tree.path)
        #expect(files.count == 255)
        #expect(Set(files.map { $0.name.count }) == Set(1...255))
        #expect(files.allSatisfy { RawTree.identity($0) != nil })
    }

    /// A chain of 4,000 folders (a path of 8,000 bytes, twice PATH_MAX) is walked to its end.
    @Test func deepChainsAreWalkedToTheBottom() {
        let tree = RawTree()
        var parent = tree.root
        for _ in 0..<4000 {
            let child = tree.folder([0x64], in: parent)
            if parent != tree.root { close(parent) }
            parent = child
        }
        tree.file(Array("Passwords.txt".utf8), in: parent, "URL: https://x.test\nUsername: a\nPassword: b\n")
        close(parent)
        let (files, diagnostics) = walk(tree.path)
        #expect(files.count == 1)
        #expect(files.first?.locator == tree.path + String(repeating: "/d", count: 4000) + "/Passwords.txt")
        #expect(files.first.flatMap(RawTree.identity) != nil)
        #expect(diagnostics.allMessages.isEmpty)
    }

    /// Folders d0…d25, each with two links to the next (what `tar x` of a hostile tarball leaves):
    /// 2^25 paths, one walk of each folder.
    @Test func linkFanOutIsWalkedOncePerFolder() {
        let tree = RawTree()
        for level in 0...25 { _ = tree.folder(Array("d\(level)".utf8), in: tree.root) }
        for level in 0..<25 {
            let folder = RawTree.withName(Array("d\(level)".utf8)) { openat(tree.root, $0, O_RDONLY | O_DIRECTORY) }
            tree.link([0x78], in: folder, to: "../d\(level + 1)")
            tree.link([0x79], in: folder, to: "../d\(level + 1)")
            close(folder)
        }
        let last = RawTree.withName(Array("d25".utf8)) { openat(tree.root, $0, O_RDONLY | O_DIRECTORY) }
        tree.file(Array("f.txt".utf8), in: last, "a@b.test:c\n")
        close(last)
        let (files, diagnostics) = walk(tree.path)
        #expect(files.map(\.locator) == [tree.path + "/d0" + String(repeating: "/x", count: 25) + "/f.txt"])
        // Each `y`, then each of d1…d25 met again at the top: duplicates.
        #expect(diagnostics.duplicates.load(ordering: .relaxed) == 50)
        #expect(diagnostics.errors.load(ordering: .relaxed) == 0)

        // Walked from d0, the links lead outside the folder walked: named, not followed.
        let (fromFirst, named) = walk(tree.path + "/d0")
        #expect(fromFirst.isEmpty)
        #expect(named.allMessages.count == 2)
        #expect(named.allMessages.allSatisfy { $0.hasSuffix("outside the folder walked: not followed") })
    }

    /// Links that leave the folder walked (to `/`, `/proc/self`, a sibling) are named and not
    /// followed: a dump must not make a run read the host.
    @Test func linksLeavingTheTreeAreNotFollowed() {
        let tree = RawTree()
        let dump = tree.folder(Array("dump".utf8), in: tree.root)
        tree.file(Array("combo.txt".utf8), in: dump, "a@b.test:c\n")
        tree.link(Array("root".utf8), in: dump, to: "/")
        tree.link(Array("self".utf8), in: dump, to: "/proc/self")
        tree.link(Array("sibling.txt".utf8), in: dump, to: "../outside.txt")
        tree.link(Array("inside.txt".utf8), in: dump, to: "combo.txt")
        close(dump)
        tree.file(Array("outside.txt".utf8), in: tree.root, "x@y.test:z\n")
        let (files, diagnostics) = walk(tree.path + "/dump")
        #expect(files.map(\.locator) == [tree.path + "/dump/combo.txt"])
        #expect(diagnostics.duplicates.load(ordering: .relaxed) == 1)
        #expect(
            diagnostics.allMessages.sorted() == [
                "credwatch: warning: \(tree.path)/dump/root: symbolic link to /, outside the folder walked: not followed",
                "credwatch: warning: \(tree.path)/dump/self: symbolic link to /proc/\(getpid()), outside the folder "
                    + "walked: not followed",
                "credwatch: warning: \(tree.path)/dump/sibling.txt: symbolic link to \(tree.path)/outside.txt, outside "
                    + "the folder walked: not followed",
            ]
        )
    }

    /// Hard links and links to files: one file, read once, under the first name in walk order.
    @Test func filesReachedByManyPathsAreReadOnce() {
        let tree = RawTree()
        tree.file(Array("b.txt".utf8), in: tree.root, "a@b.test:c\n")
        RawTree.withName(Array("b.txt".utf8)) { from in
            RawTree.withName(Array("c.txt".utf8)) { to in _ = linkat(tree.root, from, tree.root, to, 0) }
        }
        tree.link(Array("a.txt".utf8), in: tree.root, to: "b.txt")
        let (files, diagnostics) = walk(tree.path)
        #expect(files.map(\.locator) == [tree.path + "/a.txt"])
        #expect(diagnostics.duplicates.load(ordering: .relaxed) == 2)
    }

    /// Names that are not UTF-8 are opened by their bytes and shown with `\xNN`.
    @Test func namesThatAreNotUTF8AreReadAndShownLosslessly() {
        let tree = RawTree()
        let folder = tree.folder([0x63, 0x61, 0x66, 0xE9], in: tree.root)  // "caf\xE9", Latin-1
        tree.file([0x8F, 0xA0, 0xE0, 0x2E, 0x74, 0x78, 0x74], in: folder, "a@b.test:c\n")  // CP866
        close(folder)
        let (files, diagnostics) = walk(tree.path)
        #expect(files.map(\.locator) == [tree.path + "/caf\\xe9/\\x8f\\xa0\\xe0.txt"])
        #expect(files.first.flatMap(RawTree.identity) != nil)
        #expect(diagnostics.allMessages.isEmpty)
    }

    /// A folder that cannot be listed is named; the rest of the tree is still walked.
    @Test func unreadableFoldersAreNamedAndSkipped() {
        let tree = RawTree()
        let locked = tree.folder(Array("locked".utf8), in: tree.root)
        tree.file(Array("in.txt".utf8), in: locked, "a@b.test:c\n")
        close(locked)
        tree.file(Array("open.txt".utf8), in: tree.root, "a@b.test:c\n")
        chmod(tree.path + "/locked", 0)
        let (files, diagnostics) = walk(tree.path)
        if geteuid() == 0 {
            // root reads it anyway.
            #expect(files.count == 2)
        } else {
            #expect(files.map(\.locator) == [tree.path + "/open.txt"])
            #expect(
                diagnostics.allMessages == ["credwatch: error: \(tree.path)/locked: cannot read: Permission denied"]
            )
        }
    }
}

@Suite("Diagnostics: names printed safely")
struct DiagnosticEscapingTests {
    @Test func controlCharactersAndNewlinesAreEscaped() {
        let diagnostics = Diagnostics(output: nil)
        let hostile = "a\u{1B}[2J\u{1B}]0;OWNED\u{07}\ncredwatch: errors 0, warnings 0 (all clean)\n\u{202E}txt.exe"
        diagnostics.warning("dump.zip!" + hostile, "encrypted member: skipped")
        let message = diagnostics.allMessages.first
        #expect(
            message
                == "credwatch: warning: dump.zip!a\\x1b[2J\\x1b]0;OWNED\\x07\\x0acredwatch: errors 0, warnings 0 "
                + "(all clean)\\x0a\\u{202E}txt.exe: encrypted member: skipped"
        )
    }

    @Test func pathsShowInvalidBytesAsHex() {
        #expect(DisplayText.path(Array("plain/é.txt".utf8)) == "plain/é.txt")
        #expect(DisplayText.path([0x61, 0xFF, 0x62, 0xC3]) == "a\\xffb\\xc3")
        #expect(DisplayText.path([0xE2, 0x82, 0x41]) == "\\xe2\\x82A")
    }
}
