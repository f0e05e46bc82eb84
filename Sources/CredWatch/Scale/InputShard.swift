/// `--shard K/N`: the inputs (files, by a stable hash of their locator) that belong to shard K
/// (0 to N − 1) of N, for engines that run N copies of one command (Kubernetes Indexed Jobs,
/// Slurm arrays, GNU parallel). Standard input belongs to shard 0. The shards of any N
/// partition the files; merging their partials gives the report of one scan.
public struct InputShard: Sendable, Equatable {
    public let index: Int
    public let count: Int

    /// The shards `--shard` accepts: up to a million.
    public static let maxCount = 1_000_000

    public init?(index: Int, count: Int) {
        guard (1...Self.maxCount).contains(count), (0..<count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// `K/N`; nil when malformed or out of range.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    /// Whether `source` belongs to this shard.
    public func contains(_ source: InputSource) -> Bool {
        switch source {
        case .standardInput: index == 0
        case .file(let file): Self.shard(ofLocator: file.locator, count: count) == index
        }
    }

    /// The shard of a file: FNV-1a (64 bits) of its locator's UTF-8 bytes, modulo the count.
    /// Stable across runs, machines and versions: the Spark driver and shell scripts may
    /// compute it too.
    public static func shard(ofLocator locator: String, count: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in locator.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return Int(hash % UInt64(count))
    }
}

/// What standard input is named when it carries a file read elsewhere (`--stdin-name`): the
/// Spark driver streams each input into `credwatch scan -` on an executor, and its sources must
/// name it as a scan of the original path would.
public struct StandardInputName: Sendable, Equatable {
    /// How sources and messages name it.
    public var locator: String
    /// Its path inside the folder that was walked to find it (what its role is judged from).
    public var insideName: String
    /// Named on the command line (read whatever its name), rather than found in a folder.
    public var isNamedInput: Bool

    /// `locator` as named on the command line, or, with `foundIn`, as found by walking that
    /// folder (`locator` must then lie below it); nil when it does not.
    public init?(_ locator: String, foundIn folder: String? = nil) {
        guard !locator.isEmpty else { return nil }
        self.locator = locator
        guard let folder else {
            insideName = locator.split(separator: "/").last.map(String.init) ?? locator
            isNamedInput = true
            return
        }
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        guard locator.hasPrefix(prefix), locator.count > prefix.count else { return nil }
        insideName = String(locator.dropFirst(prefix.count))
        isNamedInput = false
    }
}
