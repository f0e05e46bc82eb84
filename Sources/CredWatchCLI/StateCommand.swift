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
        static let configuration = CommandConfiguration(abstract: "Counts, dates and size of a state file.")

        @Argument(help: "The state file.")
        var path: String

        func run() throws {
            let store = try openExisting(path)
            defer { store.close() }
            print(store.summary())
        }
    }

    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Forget one account, or everything.")

        @Argument(help: "The state file.")
        var path: String

        @Option(help: "Forget every finding of this account (sAMAccountName, UPN or mail as reported).")
        var account: String?

        @Flag(help: "Forget everything the state holds.")
        var all = false

        func validate() throws {
            if (account == nil) == !all { throw ValidationError("give either --account NAME or --all") }
        }

        func run() throws {
            let store = try openExisting(path)
            defer { store.close() }
            do {
                if let account {
                    let removed = try store.forget(account: account)
                    print("forgot \(removed) entries of \(account)")
                } else {
                    try store.forgetAll()
                    print("forgot everything")
                }
            } catch {
                throw FatalError("\(error)")
            }
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
