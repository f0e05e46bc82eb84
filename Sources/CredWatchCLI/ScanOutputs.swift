import CredWatch
import Foundation

/// Where the report, the reset list, the HTML page and the summary go: resolved, and checked
/// against every file the run reads or keeps and against each other, before anything is loaded
/// or scanned (a refusal is fatal, exit status 2).
struct ScanOutputs {
    let report: OutputTarget
    let resetList: OutputTarget?
    let html: OutputTarget?
    let summary: OutputTarget?
    let syslog: SyslogDestination?

    init(command: Scan) throws {
        report = try command.output.map { try Self.resolve($0, option: "--output") } ?? .standardOutput
        if report == .standardOutput && Terminal.standardOutputWasClosed {
            throw FatalError("standard output is closed: name the report's file with --output")
        }
        resetList = try command.resetList.map { try Self.resolve($0, option: "--reset-list") }
        html = try command.html.map { try Self.resolve($0, option: "--html") }
        summary = try command.summary.map { try Self.resolve($0, option: "--summary") }
        do {
            if let url = command.syslog {
                let destination = try SyslogDestination.parse(url, caFile: command.syslogCa)
                try SyslogTransport.check(destination)
                syslog = destination
            } else if command.syslogCa != nil {
                throw SyslogError("--syslog-ca needs --syslog tls://HOST[:PORT]")
            } else {
                syslog = nil
            }
        } catch {
            throw FatalError("--syslog \(error)")
        }
        var outputs: [(option: String, target: OutputTarget)] = [
            (command.output == nil ? "the report (no --output)" : "--output", report)
        ]
        if let resetList { outputs.append(("--reset-list", resetList)) }
        if let html { outputs.append(("--html", html)) }
        if let summary { outputs.append(("--summary", summary)) }
        do {
            try Self.protectedFiles(of: command).check(outputs)
        } catch {
            throw FatalError("\(error)")
        }
        for (option, target) in outputs {
            do { try target.checkReplaceable() } catch { throw FatalError("\(option) \(error)") }
        }
    }

    private static func resolve(_ path: String, option: String) throws -> OutputTarget {
        do {
            return try OutputTarget.resolve(path)
        } catch {
            throw FatalError("\(option) \(error)")
        }
    }

    /// The inputs and the configuration the run loads, and the state it keeps.
    private static func protectedFiles(of command: Scan) -> OutputGuard {
        var protected = OutputGuard()
        let inputs = command.inputs.map(RawArguments.path)
        // No INPUT reads standard input too.
        if inputs.isEmpty || inputs.contains(where: \.isStandardInput) { protected.protectStandardInput() }
        for input in inputs where !input.isStandardInput {
            // Inputs are opened by their bytes (which need not be UTF-8): compared by identity.
            var info = stat()
            if input.status(&info) {
                protected.protect(
                    DeviceInode(info),
                    path: input.display,
                    as: "the input",
                    isFolder: info.st_mode & S_IFMT == S_IFDIR
                )
            } else {
                protected.protect(input.display, as: "the input")
            }
        }
        let config = command.config
        protected.protect(config.accounts, as: "the accounts export")
        if let org = config.org { protected.protect(org, as: "the organisation profile") }
        // A pattern folder is loaded whole: a new file there would be a pack for every later run.
        for pack in config.patterns { protected.protect(pack, as: "the pattern pack", coversNewFiles: true) }
        if !config.noDefaultPatterns, let shipped = config.shippedPatternDirectory {
            protected.protect(shipped, as: "the shipped pattern packs", coversNewFiles: true)
        }
        if let key = config.fingerprintKeyFile { protected.protect(key, as: "the fingerprint key file") }
        if let ca = command.syslogCa { protected.protect(ca, as: "the syslog CA file") }
        for export in config.hashes { protected.protect(export, as: "the hash export") }
        if let state = command.state {
            for file in StateStore.files(path: state) { protected.protect(file, as: "the state") }
        }
        return protected
    }
}
