import ArgumentParser
import CredWatch
import Foundation

/// `credwatch check`: loads the configuration exactly as `scan` does (`ScanSetup`, the same
/// errors and warnings), scans nothing, and prints what it understood.
struct Check: ParsableCommand, SetupArguments {
    static let configuration = CommandConfiguration(
        abstract: "Validate the configuration without scanning, and show what credwatch understood of it.",
        discussion: """
            Loads the accounts export, the organisation profile, the pattern packs, the fingerprint \
            key and the hash exports as `scan` would, and prints the identities by kind, the disabled \
            accounts, the organisation's domains, the platforms by file and severity, the regexes \
            compiled, the identity providers, the service accounts and the hash exports. Exit status: \
            0 the configuration is usable (warnings are printed on stderr); 2 it is not (the same \
            message as scan would give).
            """
    )

    @OptionGroup var config: ConfigurationOptions

    var state: String? { nil }
    var retention: Int { StateOptions().retentionDays }
    var matchOptions: MatchContext.Options { MatchContext.Options() }

    /// Accounts named in a list before it is cut short.
    static let listed = 10

    func run() throws {
        let diagnostics = Diagnostics()
        let setup: ScanSetup
        do {
            setup = try ScanSetup(command: self, diagnostics: diagnostics)
        } catch {
            throw FatalError("\(error)")
        }
        print(describe(setup), terminator: "")
        let warnings = diagnostics.warnings.load(ordering: .relaxed)
        print(warnings == 0 ? "usable" : "usable, with \(warnings) warning(s) (above, on stderr)")
    }

    /// The report: one section per part of the configuration.
    func describe(_ setup: ScanSetup) -> String {
        let context = setup.context
        var text = ""
        // The export's and the profile's text is the organisation's, but shown as every name is:
        // no control or invisible character reaches the terminal.
        func line(_ label: String, _ value: String, indent: Int = 0) {
            let label = DisplayText.escaped(label)
            // Values name files in the notation of messages already (`DisplayText.path`).
            let value = DisplayText.escaped(value, backslashes: false)
            let pad = String(repeating: " ", count: indent)
            text += pad + label + String(repeating: " ", count: max(2, 20 - label.count - indent)) + value + "\n"
        }

        // Accounts.
        let census = context.accounts.census
        line("accounts", "\(census.accounts) in \(config.accounts)" + (census.form.map { " (\($0.rawValue))" } ?? ""))
        line(
            "identities",
            "sam \(census.sam), upn \(census.upn), mail \(census.mail), alias \(census.aliases)"
                + (census.shared > 0 ? "; \(census.shared) shared by several accounts" : ""),
            indent: 2
        )
        let disabled = context.accounts.accounts.filter { !$0.isEnabled }.map(\.identifier)
        line("disabled", disabled.isEmpty ? "none" : "\(disabled.count): " + Self.shortList(disabled), indent: 2)
        let service = context.profile.serviceAccounts
        if service.patterns.isEmpty {
            line("service accounts", "none declared (service_accounts in the profile)", indent: 2)
        } else {
            let matched = context.accounts.accounts.filter(\.isServiceAccount).map(\.identifier)
            line(
                "service accounts",
                service.patterns.joined(separator: ", ") + ": \(matched.count) in the export"
                    + (matched.isEmpty ? "" : " (" + Self.shortList(matched) + ")")
                    + ", rotated by hand instead of reset",
                indent: 2
            )
            // Each pattern with what it matches: one that matches none or most is also warned of.
            for pattern in service.patterns {
                let one = ServiceAccounts(patterns: [pattern])
                let count = context.accounts.accounts.count(where: one.contains)
                line(pattern, "\(count) of \(context.accounts.accounts.count)", indent: 4)
            }
        }

        // Organisation.
        let profile = context.profile
        line(
            "organisation",
            config.org.map { (profile.name.isEmpty ? "unnamed" : profile.name) + " (\($0))" } ?? "no --org"
        )
        let domains = context.organisationDomainOrigins
        line("domains", domains.isEmpty ? "none" : "\(domains.count)", indent: 2)
        for (domain, origins) in domains {
            line(domain, origins.map(\.rawValue).joined(separator: ", "), indent: 4)
        }
        if !profile.netbiosDomains.isEmpty {
            line("netbios domains", profile.netbiosDomains.joined(separator: ", "), indent: 2)
        }
        line("machine names", profile.machineNamePattern ?? "none (machine_name)", indent: 2)
        line("date order", profile.dateOrder.map(\.rawValue) ?? "told from the dates", indent: 2)

        // Platforms.
        let platforms = context.allPlatforms
        line(
            "platforms",
            "\(platforms.count) from \(setup.patternPaths.isEmpty ? "the profile only" : "the profile and packs")"
        )
        var origins: [String] = []
        var byOrigin: [String: [Platform]] = [:]
        for platform in platforms {
            if byOrigin[platform.origin] == nil { origins.append(platform.origin) }
            byOrigin[platform.origin, default: []].append(platform)
        }
        for origin in origins {
            let group = byOrigin[origin] ?? []
            let severities = Severity.allCases.reversed().compactMap { severity -> String? in
                let count = group.filter { $0.severity == severity }.count
                return count == 0 ? nil : "\(severity.rawValue) \(count)"
            }
            line(origin, "\(group.count): " + severities.joined(separator: ", "), indent: 2)
        }
        let regexes = context.compiledRegexes
        line("regexes", "\(regexes.count) compiled, \(regexes.jit) JIT-compiled", indent: 2)
        let providers = Set(platforms.compactMap { $0.identityProvider?.rawValue }).sorted()
        let unused = Set(
            platforms.filter { $0.identityProviderInUse == false }.compactMap(\.identityProvider?.rawValue)
        )
        if providers.isEmpty {
            line("identity providers", "none", indent: 2)
        } else if context.profile.identityProviders == nil {
            line(
                "identity providers",
                providers.joined(separator: ", ") + " (identity_providers not set: all count as used)",
                indent: 2
            )
        } else {
            let used = providers.filter { !unused.contains($0) }
            line(
                "identity providers",
                "used: " + (used.isEmpty ? "none" : used.joined(separator: ", "))
                    + "; not used (a credential there is high, not critical): "
                    + (unused.isEmpty ? "none" : unused.sorted().joined(separator: ", ")),
                indent: 2
            )
        }

        // Secrets.
        line(
            "fingerprint key",
            config.fingerprintKeyFile.map { "\($0) (\(FileAccess(path: $0)?.modeText ?? "unreadable"))" }
                ?? (setup.hasEphemeralKey
                    ? "none: a random key per run (fingerprints not comparable across runs; --state refused)"
                    : "CREDWATCH_FINGERPRINT_KEY")
        )
        if let directory = setup.hashes {
            line(
                "hash exports",
                "\(directory.count) hashes"
                    + (directory.skippedLines > 0 ? ", \(directory.skippedLines) lines not read" : "")
            )
            for path in config.hashes {
                line(path, "readable, \(FileAccess(path: path)?.modeText ?? "mode unknown")", indent: 2)
            }
        } else {
            line("hash exports", "none (--hashes): password_current is not told")
        }
        return text
    }

    /// The first names of `names`, then how many more.
    static func shortList(_ names: [String]) -> String {
        let shown = names.prefix(listed).joined(separator: ", ")
        return names.count > listed ? shown + ", and \(names.count - listed) more" : shown
    }
}
