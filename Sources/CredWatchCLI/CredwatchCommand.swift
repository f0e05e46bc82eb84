import ArgumentParser
import CredWatch
import Foundation

/// `credwatch`: finds an organisation's accounts in infostealer logs and combolists.
@main
struct Credwatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credwatch",
        abstract: "Find the organisation's accounts in infostealer logs and combolists, and report what to reset.",
        discussion: """
            ENVIRONMENT: CREDWATCH_FINGERPRINT_KEY, the fingerprint key as text (16 to 4096 bytes) \
            when --fingerprint-key-file is not given; CREDWATCH_PATTERNS, the folder of the shipped \
            pattern packs (default: ../share/credwatch/patterns beside the binary); NO_COLOR, \
            set: the table is never coloured; SOURCE_DATE_EPOCH, seconds since 1970: the time the \
            reports say they were made (the same findings give the same bytes; the state keeps real dates).
            """,
        version: LibraryVersions.describe(),
        subcommands: [Scan.self, Merge.self, Check.self, State.self]
    )

    /// The contract's exit statuses: usage errors are 2 (ArgumentParser's default is 64).
    static func main() {
        // Before any other thread starts: SIGINT/SIGTERM/SIGHUP end a run without leaving a
        // temporary file or changing the state.
        RunInterruption.install()
        Terminal.reopenClosedStandardDescriptors()
        do {
            // The arguments as given, bytes that are not UTF-8 included (`RawArguments`).
            var command = try parseAsRoot(RawArguments.decoded.arguments)
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            if let exit = error as? ExitCode { Foundation.exit(exit.rawValue) }
            var stderr = StandardError()
            // A message may quote a path or a line of a file: escaped like every other message,
            // newlines included, so that it stays one line. Usage messages are several lines of
            // the parser's own text: each is escaped.
            if let fatal = error as? FatalError {
                stderr.write("credwatch: " + DisplayText.escaped(fatal.description, backslashes: false) + "\n")
            } else {
                // ArgumentParser puts merge's option group, the scan command, in merge's command
                // path when naming it in a usage message.
                let message = fullMessage(for: error).replacing("credwatch scan merge", with: "credwatch merge")
                let lines = message.split(separator: "\n", omittingEmptySubsequences: false)
                stderr.write(
                    lines.map { "credwatch: " + DisplayText.escaped(String($0), backslashes: false) + "\n" }.joined()
                )
            }
            Foundation.exit(ExitStatus.fatal)
        }
    }
}

/// Exit statuses of the scan contract.
enum ExitStatus {
    static let clean: Int32 = 0
    static let findings: Int32 = 1
    static let fatal: Int32 = 2
    static let incomplete: Int32 = 3
}

/// A fatal problem already worded for the user: printed as is, exit status 2.
struct FatalError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
