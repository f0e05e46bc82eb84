import ArgumentParser
import CredWatch

/// `credwatch merge`: the partial results of a scan's shards into the report one scan of all
/// their inputs gives (see the README's "Running on a cluster").
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge partial results (scan --emit partial) into one report, state and reset list.",
        discussion: """
            INPUTs are partial result files. Give the key, accounts, profile, packs and hash exports \
            the partials were made with (a partial made under others is refused), and the report, \
            state and delivery options of a scan. Exit status as scan's.
            """
    )

    @OptionGroup var options: Scan

    func validate() throws {
        if options.inputs.isEmpty { throw ValidationError("name the partial results to merge") }
        for (given, option) in [
            (options.emit != .report, "--emit"), (options.range != nil, "--range"), (options.shard != nil, "--shard"),
            (options.stdinName != nil, "--stdin-name"),
        ] where given {
            throw ValidationError("\(option) is an option of scan, not of merge")
        }
    }

    func run() throws {
        try options.execute(merging: true)
    }
}
