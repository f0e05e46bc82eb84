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

    /// This run is `credwatch merge` (for the validation of its option group, `Scan`).
    static let isInvoked = RawArguments.decoded.arguments.first == "merge"

    func validate() throws {
        for (given, option) in [
            (options.emit != .report, "--emit"), (options.range != nil, "--range"), (options.shard != nil, "--shard"),
            (options.stdinName != nil, "--stdin-name"), (options.stdinFoundIn != nil, "--stdin-found-in"),
        ] where given {
            throw ValidationError("merge takes no \(option): it is an option of scan")
        }
        if options.revealPasswords {
            throw ValidationError(
                "merge takes no --reveal-passwords: partial results hold no password (only keyed fingerprints); "
                    + "scan the inputs themselves with --reveal-passwords"
            )
        }
        if options.inputs.isEmpty {
            throw ValidationError("name the partial results to merge (files written by scan --emit partial)")
        }
        if options.inputs.contains("-") {
            throw ValidationError(
                "merge reads partial results from files, not from standard input: name the files (- is none)"
            )
        }
    }

    func run() throws {
        try options.execute(merging: true)
    }
}
