import FuzzSupport
import Glibc

@testable import CredWatch

/// The directory walker on random trees: the input is a small program that builds a tree in a
/// scratch folder (folders, files, hard links, links to files, folders, loops, devices and
/// nowhere, FIFOs; names of any bytes but NUL and `/`), which is then walked.
/// Oracles: every regular file created is found exactly once (by device and inode) and opens as
/// itself through its `InputFile`; each FIFO or device is named once; messages are one line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWalker(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let program = FuzzInput.bytes(data, size)
    let tree = FuzzTree()
    defer { tree.remove() }
    var folders: [Int32] = [tree.root]
    var files = Set<[UInt64]>()
    var specials = 0
    var cursor = 0
    func byte() -> UInt8? {
        guard cursor < program.count else { return nil }
        defer { cursor += 1 }
        return program[cursor]
    }
    func name() -> [UInt8] {
        let length = Int(byte() ?? 1) % 40 + 1
        var bytes: [UInt8] = []
        while bytes.count < length, let next = byte() {
            bytes.append(next == 0 || next == 0x2F ? 0x5F : next)
        }
        if bytes.isEmpty || bytes == [0x2E] || bytes == [0x2E, 0x2E] { bytes = [0x6E] }
        return bytes
    }
    var operations = 0
    while let operation = byte(), operations < 64 {
        operations += 1
        let parent = folders[Int(byte() ?? 0) % folders.count]
        let entry = name()
        switch operation % 8 {
        case 0, 1:
            if let folder = tree.folder(entry, in: parent) { folders.append(folder) }
        case 2, 3:
            if let identity = tree.file(entry, in: parent) { files.insert(identity) }
        case 4:
            // A hard link to a file of another folder: the same file, found once.
            let other = folders[Int(byte() ?? 0) % folders.count]
            tree.hardLink(name(), in: other, as: entry, in: parent)
        case 5:
            // A link to a path of the tree: a file, a folder, an ancestor (a loop) or nothing.
            var target = ""
            for _ in 0..<Int(byte() ?? 0) % 4 { target += (byte() ?? 0) % 2 == 0 ? "../" : "n/" }
            tree.link(entry, in: parent, to: target.isEmpty ? "." : target)
        case 6:
            if tree.fifo(entry, in: parent) { specials += 1 }
        default:
            if tree.link(entry, in: parent, to: "/dev/null") { specials += 1 }
        }
    }
    for folder in folders.dropFirst() { close(folder) }

    let diagnostics = Diagnostics(output: nil)
    var found: [[UInt64]] = []
    InputWalker(diagnostics: diagnostics).walk([tree.path]) { source in
        guard case .file(let file) = source else { return }
        let descriptor = try? file.open()
        FuzzCheck.require(descriptor != nil, "\(file.locator): found but does not open")
        var info = stat()
        fstat(descriptor!, &info)
        close(descriptor!)
        found.append([UInt64(info.st_dev), UInt64(info.st_ino)])
    }
    FuzzCheck.require(Set(found).count == found.count, "a file was found twice")
    FuzzCheck.require(Set(found) == files, "found \(found.count) files of \(files.count)")
    let named = diagnostics.allMessages.filter { $0.hasSuffix("not a regular file: skipped") }
    // A special file behind a link to a folder is reached once, like any entry of that folder.
    FuzzCheck.require(named.count <= specials, "\(named.count) special files named, \(specials) made")
    for message in diagnostics.allMessages {
        FuzzCheck.require(!message.unicodeScalars.contains { $0.value < 0x20 }, "control character in \(message)")
    }
    return 0
}

/// A scratch folder for one input, built with the `*at` calls so names can be any bytes.
final class FuzzTree {
    let path: String
    let root: Int32
    nonisolated(unsafe) static var counter = 0

    init() {
        FuzzTree.counter += 1
        path = "/tmp/credwatch-fuzz-walker-\(getpid())-\(FuzzTree.counter)"
        mkdir(path, 0o700)
        root = open(path, O_RDONLY | O_DIRECTORY)
    }

    func remove() {
        close(root)
        let command = "rm -rf '\(path)'"
        _ = system(command)
    }

    func folder(_ name: [UInt8], in parent: Int32) -> Int32? {
        guard named(name, { mkdirat(parent, $0, 0o700) }) == 0 else { return nil }
        let descriptor = named(name) { openat(parent, $0, O_RDONLY | O_DIRECTORY) }
        return descriptor >= 0 ? descriptor : nil
    }

    /// Creates a new file; its identity, or nil when the name was taken.
    func file(_ name: [UInt8], in parent: Int32) -> [UInt64]? {
        let descriptor = named(name) { openat(parent, $0, O_WRONLY | O_CREAT | O_EXCL, 0o600) }
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        _ = write(descriptor, "a@b.test:c\n", 11)
        var info = stat()
        fstat(descriptor, &info)
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }

    func hardLink(_ source: [UInt8], in from: Int32, as name: [UInt8], in parent: Int32) {
        _ = named(source) { source in named(name) { linkat(from, source, parent, $0, 0) } }
    }

    @discardableResult
    func link(_ name: [UInt8], in parent: Int32, to target: String) -> Bool {
        named(name) { symlinkat(target, parent, $0) } == 0
    }

    func fifo(_ name: [UInt8], in parent: Int32) -> Bool {
        named(name) { mkfifoat(parent, $0, 0o600) } == 0
    }

    private func named<R>(_ name: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        (name + [0]).withUnsafeBufferPointer {
            body(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self))
        }
    }
}

@main
enum FuzzWalkerEntry {
    static func main() { runFuzzer(fuzzWalker) }
}
