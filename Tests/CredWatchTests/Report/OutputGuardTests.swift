import Foundation
import Testing

@testable import CredWatch

/// Which outputs the guard refuses: a protected file whatever the path leading to it, an existing
/// file below a protected folder, two outputs that are one.
@Suite struct OutputGuardTests {
    private func refusal(_ protected: OutputGuard, _ path: String, option: String = "--output") -> String? {
        do {
            try protected.check(try OutputTarget.resolve(path), option: option)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func protectedFileThroughLinksAndHardLinks() throws {
        try OutputTargetTests.withFolder { folder in
            let accounts = folder + "/accounts.csv"
            #expect(FileManager.default.createFile(atPath: accounts, contents: Data("sam\n".utf8)))
            symlink("accounts.csv", folder + "/link")
            link(accounts, folder + "/hard")
            var protected = OutputGuard()
            protected.protect(accounts, as: "the accounts export")
            #expect(
                refusal(protected, folder + "/link")
                    == "--output \(folder)/link is the accounts export \(accounts): refusing to overwrite it"
            )
            #expect(refusal(protected, folder + "/hard") != nil)
            #expect(refusal(protected, folder + "/./accounts.csv") != nil)
            #expect(refusal(protected, folder + "/report.jsonl") == nil)
        }
    }

    /// A state not created yet is protected by where it will be: the output may not be created there.
    @Test func missingProtectedFileByWhereItWouldBe() throws {
        try OutputTargetTests.withFolder { folder in
            try FileManager.default.createDirectory(atPath: folder + "/var", withIntermediateDirectories: false)
            symlink("var", folder + "/alias")
            var protected = OutputGuard()
            for file in StateStore.files(path: folder + "/var/state.db") { protected.protect(file, as: "the state") }
            #expect(refusal(protected, folder + "/alias/state.db") != nil)
            #expect(refusal(protected, folder + "/alias/state.db-journal") != nil)
            #expect(refusal(protected, folder + "/var/state.db.lock") != nil)
            #expect(refusal(protected, folder + "/alias/state.db.bak") == nil)
        }
    }

    @Test func existingFileBelowAProtectedFolder() throws {
        try OutputTargetTests.withFolder { folder in
            try FileManager.default.createDirectory(atPath: folder + "/dumps/day1", withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: folder + "/dumps/day1/combo.txt", contents: Data()))
            try #require(mkfifo(folder + "/dumps/day1/pipe", 0o600) == 0)
            symlink("dumps/day1", folder + "/today")
            var protected = OutputGuard()
            protected.protect(folder + "/dumps", as: "the input")
            #expect(
                refusal(protected, folder + "/today/combo.txt")
                    == "--output \(folder)/today/combo.txt lies inside the input folder \(folder)/dumps: "
                    + "refusing to overwrite it"
            )
            // Not read by the walk, or not there to be destroyed.
            #expect(refusal(protected, folder + "/today/pipe") == nil)
            #expect(refusal(protected, folder + "/today/new-report.jsonl") == nil)
            #expect(refusal(protected, folder + "/report.jsonl") == nil)
        }
    }

    /// A folder loaded whole (a pattern folder): no file below it, existing or new, at any depth
    /// and through any link; an input folder still takes new files.
    @Test func anyFileBelowALoadedFolder() throws {
        try OutputTargetTests.withFolder { folder in
            let packs = folder + "/packs"
            try FileManager.default.createDirectory(atPath: packs + "/sub", withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: packs + "/clinical.toml", contents: Data()))
            try #require(mkfifo(packs + "/pipe", 0o600) == 0)
            symlink("packs/sub", folder + "/alias")
            try FileManager.default.createDirectory(atPath: folder + "/dumps", withIntermediateDirectories: false)
            var protected = OutputGuard()
            protected.protect(packs, as: "the pattern pack", coversNewFiles: true)
            protected.protect(folder + "/dumps", as: "the input", coversNewFiles: false)
            #expect(
                refusal(protected, packs + "/x.toml")
                    == "--output \(packs)/x.toml lies inside the pattern pack folder \(packs), which every run "
                    + "loads: refusing to create a file there"
            )
            #expect(refusal(protected, folder + "/alias/new.csv")?.contains("refusing to create a file there") == true)
            #expect(refusal(protected, packs + "/sub/../y.toml") != nil)
            #expect(
                refusal(protected, packs + "/clinical.toml")
                    == "--output \(packs)/clinical.toml lies inside the pattern pack folder \(packs): "
                    + "refusing to overwrite it"
            )
            // Written in place, nothing created; and outside, or below an input folder, allowed.
            #expect(refusal(protected, packs + "/pipe") == nil)
            #expect(refusal(protected, folder + "/report.jsonl") == nil)
            #expect(refusal(protected, folder + "/dumps/report.jsonl") == nil)
        }
    }

    @Test func protectedByIdentity() throws {
        try OutputTargetTests.withFolder { folder in
            let input = folder + "/input.txt"
            #expect(FileManager.default.createFile(atPath: input, contents: Data()))
            var protected = OutputGuard()
            protected.protect(
                try #require(DeviceInode(path: input)),
                path: "input.txt",
                as: "the input",
                isFolder: false
            )
            #expect(refusal(protected, input)?.contains("is the input input.txt") == true)
        }
    }

    /// The regular file standard input is, when the run reads it: by any path.
    @Test func standardInputFile() throws {
        try OutputTargetTests.withFolder { folder in
            let dump = folder + "/dump.txt"
            #expect(FileManager.default.createFile(atPath: dump, contents: Data("combo\n".utf8)))
            symlink("dump.txt", folder + "/alias")
            let descriptor = open(dump, O_RDONLY)
            try #require(descriptor >= 0)
            defer { close(descriptor) }
            var protected = OutputGuard()
            protected.protectStandardInput(descriptor: descriptor)
            for path in [dump, folder + "/alias", folder + "/./dump.txt"] {
                #expect(
                    refusal(protected, path)
                        == "--output \(path) is the input (standard input): refusing to overwrite it"
                )
            }
            #expect(refusal(protected, folder + "/report.jsonl") == nil)
            // A pipe or a terminal has no file to protect.
            var pipeEnds: [Int32] = [0, 0]
            try #require(pipe(&pipeEnds) == 0)
            defer { for end in pipeEnds { close(end) } }
            var piped = OutputGuard()
            piped.protectStandardInput(descriptor: pipeEnds[0])
            #expect(piped.entries.isEmpty)
        }
    }

    @Test func twoOutputsThatAreOne() throws {
        try OutputTargetTests.withFolder { folder in
            symlink(folder + "/report.csv", folder + "/alias.csv")
            let protected = OutputGuard()
            func check(_ first: OutputTarget, _ second: OutputTarget) -> String? {
                do {
                    try protected.check([("--output", first), ("--reset-list", second)])
                    return nil
                } catch {
                    return "\(error)"
                }
            }
            let report = try OutputTarget.resolve(folder + "/report.csv")
            #expect(check(report, try OutputTarget.resolve(folder + "/report.csv"))?.contains("same file") == true)
            #expect(
                check(.standardOutput, try OutputTarget.resolve("/dev/stdout"))?.contains("standard output") == true
            )
            #expect(check(report, .standardOutput) == nil)
            #expect(check(report, try OutputTarget.resolve(folder + "/reset.csv")) == nil)
            #expect(FileManager.default.createFile(atPath: folder + "/report.csv", contents: Data()))
            // Now the link resolves to the same file.
            #expect(check(report, try OutputTarget.resolve(folder + "/alias.csv"))?.contains("same file") == true)
        }
    }

    /// Random trees of files, links to files and folders, and missing names, each file spelled in
    /// several ways: the guard refuses exactly the outputs whose file (by device and inode, or by
    /// the real path of their folder for a missing one) is protected, or that lie below a
    /// protected folder. The oracle is libc's `realpath` and `stat`, not the resolver.
    @Test(arguments: 0..<60)
    func refusesExactlyTheProtectedFiles(seed: Int) throws {
        var random = ReportShuffleGenerator(seed: UInt64(seed) &* 0x9E37_79B9 &+ 17)
        try OutputTargetTests.withFolder { root in
            let manager = FileManager.default
            let folders = [root, root + "/a", root + "/a/b", root + "/c"]
            for folder in folders.dropFirst() {
                try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            symlink("../a", root + "/c/up")
            symlink(root + "/a/b", root + "/deep")
            /// Other spellings of `folder`.
            func spellings(_ folder: String) -> [String] {
                switch folder {
                case root + "/a": [folder, root + "/c/up", root + "/a/b/..", root + "/deep/.."]
                case root + "/a/b": [folder, root + "/deep", root + "/c/up/b"]
                default: [folder]
                }
            }
            var names: [String] = []
            for index in 0..<4 {
                let folder = folders.randomElement(using: &random)!
                let path = folder + "/f\(index)"
                _ = manager.createFile(atPath: path, contents: Data("file \(index)".utf8))
                names.append(path)
            }
            for index in 0..<4 {
                let folder = folders.randomElement(using: &random)!
                let target = names.randomElement(using: &random)!
                let path = folder + "/l\(index)"
                let sameFolder = (target as NSString).deletingLastPathComponent == folder
                symlink(
                    sameFolder && Bool.random(using: &random) ? (target as NSString).lastPathComponent : target,
                    path
                )
                names.append(path)
            }
            if Bool.random(using: &random) {
                let target = names[..<4].randomElement(using: &random)!
                let path = folders.randomElement(using: &random)! + "/h"
                link(target, path)
                names.append(path)
            }
            for index in 0..<3 { names.append(folders.randomElement(using: &random)! + "/m\(index)") }
            // Every name, spelled through every way to its folder.
            let candidates = names.flatMap { name in
                let folder = (name as NSString).deletingLastPathComponent
                let file = (name as NSString).lastPathComponent
                return spellings(folder).map { $0 + "/" + file }
            }

            var protected = OutputGuard()
            var protectedKeys: Set<String> = []
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let path = candidates.randomElement(using: &random)!
                protected.protect(path, as: "the input")
                protectedKeys.insert(Self.oracleKey(path))
            }
            var protectedFolders: [DeviceInode] = []
            if Bool.random(using: &random) {
                let folder = spellings(folders.dropFirst().randomElement(using: &random)!).randomElement(
                    using: &random
                )!
                protected.protect(folder, as: "the input")
                protectedFolders.append(try #require(DeviceInode(path: folder)))
            }

            for output in candidates {
                let target = try OutputTarget.resolve(output)
                let refused = (try? protected.check(target, option: "--output")) == nil
                var expected = protectedKeys.contains(Self.oracleKey(output))
                if !protectedFolders.isEmpty, let real = realpath(output, nil) {
                    var folder = String(cString: real)
                    free(real)
                    while folder != "/" {
                        folder = (folder as NSString).deletingLastPathComponent
                        if let identity = DeviceInode(path: folder), protectedFolders.contains(identity) {
                            expected = true
                        }
                    }
                }
                #expect(refused == expected, "seed \(seed): \(output)")
            }
        }
    }

    /// An existing file's device and inode, or a missing one's real folder and name.
    private static func oracleKey(_ path: String) -> String {
        var info = stat()
        if stat(path, &info) == 0 { return "inode \(info.st_dev):\(info.st_ino)" }
        let folder = (path as NSString).deletingLastPathComponent
        guard let real = realpath(folder, nil) else { return "unresolvable \(path)" }
        defer { free(real) }
        return "path " + String(cString: real) + "/" + (path as NSString).lastPathComponent
    }
}
