import ArgumentParser
import CredWatch
import Foundation

/// `credwatch state`: what the state of scheduled runs holds, and forgetting it.
struct State: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show or prune the state kept between scheduled runs (--state).",
        subcommands: [Show.self, Forget.self],
        defaultSubcommand: Show.self
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Counts, dates and size of a state file, and its exposures by account, platform and kind."
        )

        @Argument(help: "The state file.")
        var path: String

        func run() throws {
            let store = try openExisting(path)
            defer { store.close() }
            print(store.summary())
            let groups = store.groups()
            guard !groups.isEmpty else { return }
            print(Self.table(groups), terminator: "")
        }

        /// One row per account, platform and kind: `-` for no account (cookies) or no
        /// platform; names escaped (an unknown account's login comes from a dump).
        static func table(_ groups: [StateGroup]) -> String {
            let header = ["ACCOUNT", "PLATFORM", "KIND", "EXPOSURES", "FIRST SEEN", "LAST SEEN"]
            let rows = groups.map { group in
                [
                    group.account.isEmpty ? "-" : DisplayText.escaped(group.account),
                    group.platform.isEmpty ? "-" : DisplayText.escaped(group.platform),
                    group.kind.isEmpty ? "-" : group.kind,
                    String(group.exposures), group.firstSeen, group.lastSeen,
                ]
            }
            let widths = header.indices.map { column in
                ([header] + rows).map { $0[column].count }.max() ?? 0
            }
            return ([header] + rows).map { row in
                row.indices.map { column in
                    column == row.count - 1
                        ? row[column] : row[column].padding(toLength: widths[column] + 2, withPad: " ", startingAt: 0)
                }.joined() + "\n"
            }.joined()
        }
    }

    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Forget one account, or everything.")

        @Argument(help: "The state file.")
        var path: String

        @Option(
            help: """
                Forget every finding of this account: its name as reported, or any of its sAMAccountName, \
                UPN, mail or aliases (case-insensitive). Exit status 1 when nothing matches.
                """
        )
        var account: String?

        @Flag(help: "Forget everything the state holds.")
        var all = false

        func validate() throws {
            if (account == nil) == !all { throw ValidationError("give either --account NAME or --all") }
            if let account, account.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw ValidationError("--account needs a name (use --all to forget everything)")
            }
        }

        func run() throws {
            let store = try openExisting(path)
            defer { store.close() }
            let removed: Int
            do {
                if let account {
                    removed = try store.forget(account: account.trimmingCharacters(in: .whitespacesAndNewlines))
                } else {
                    try store.forgetAll()
                    print("forgot everything")
                    return
                }
            } catch {
                throw FatalError("\(error)")
            }
            let name = DisplayText.escaped(account ?? "")
            guard removed > 0 else {
                var stderr = StandardError()
                stderr.write(
                    "credwatch: nothing in \(DisplayText.escaped(path, backslashes: false)) matches the account '\(name)'\n"
                )
                throw ExitCode(1)
            }
            print("forgot \(removed) entr\(removed == 1 ? "y" : "ies") of \(name)")
        }
    }
}

/// Opens a state file that must already exist, without a fingerprint key (maintenance only).
private func openExisting(_ path: String) throws -> StateStore {
    guard FileManager.default.fileExists(atPath: path) else { throw FatalError("\(path): no such state file") }
    do {
        return try StateStore.open(path: path, keyID: nil, options: StateOptions(), now: Date())
    } catch {
        throw FatalError("\(error)")
    }
}
