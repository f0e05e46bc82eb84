/// How urgent a finding is and what the SOC should do about it, as one ordered table.
///
/// Every rule whose kind and condition hold is applied, top to bottom: a later rule's
/// severity effect applies to the severity so far, and its action (when it has one) replaces
/// the action so far. The README's table is `markdownTable`, generated from the same rows.
public enum TriageRules {
    /// What a rule looks at.
    enum Condition: Sendable {
        case always
        case onPlatform
        case onIdentityProvider
        case onIdentityProviderNotInUse
        case withoutPlatform
        case organisationMachine
        case passwordNotCurrent
        case changedAfterTheft
        case passwordCurrent
        case accountDisabled
        /// The account is a service account and the action so far a forced reset.
        case serviceAccountToReset

        var summary: String {
            switch self {
            case .always: "always"
            case .onPlatform: "on a platform"
            case .onIdentityProvider: "on an identity provider (`category = \"identity\"`)"
            case .onIdentityProviderNotInUse: "on an identity provider the profile's `identity_providers` leaves out"
            case .withoutPlatform: "no URL (`email:password`)"
            case .organisationMachine: "a source is an organisation machine"
            case .passwordNotCurrent: "password verified not current"
            case .changedAfterTheft: "password changed after the last theft"
            case .passwordCurrent: "password verified current"
            case .accountDisabled: "account disabled"
            case .serviceAccountToReset:
                "the account is one of the profile's `service_accounts`, and the action so far is `force-reset`"
            }
        }
    }

    /// What a rule does to the severity.
    enum SeverityEffect: Sendable {
        case keep
        case fixed(Severity)
        case platform
        case platformLowered
        case raised

        var summary: String {
            switch self {
            case .keep: "unchanged"
            case .fixed(let severity): severity.rawValue
            case .platform: "platform's"
            case .platformLowered: "platform's, lowered one level"
            case .raised: "raised one level"
            }
        }
    }

    struct Rule: Sendable {
        let kinds: [FindingKind]
        let condition: Condition
        let severity: SeverityEffect
        let action: Action?
        let reason: String
    }

    /// The facts about one finding that the rules look at.
    struct Facts {
        var kind: FindingKind
        var platformSeverity: Severity?
        /// On an identity provider's platform: whether the organisation uses that provider.
        var identityProviderInUse: Bool?
        var fromOrganisationMachine = false
        var isPasswordCurrent: Bool?
        var changedAfterTheft: Bool?
        var isAccountDisabled = false
        var isServiceAccount = false

        /// Whether `condition` holds, given the action the rules before gave.
        func satisfies(_ condition: Condition, actionSoFar: Action) -> Bool {
            switch condition {
            case .always: true
            case .onPlatform: platformSeverity != nil
            case .onIdentityProvider: identityProviderInUse != nil
            case .onIdentityProviderNotInUse: identityProviderInUse == false
            case .withoutPlatform: platformSeverity == nil
            case .organisationMachine: fromOrganisationMachine
            case .passwordNotCurrent: isPasswordCurrent == false
            case .changedAfterTheft: changedAfterTheft == true
            case .passwordCurrent: isPasswordCurrent == true
            case .accountDisabled: isAccountDisabled
            case .serviceAccountToReset: isServiceAccount && actionSoFar == .forceReset
            }
        }
    }

    /// Severity used for "the platform's" when a finding has no platform.
    static let severityWithoutPlatform = Severity.medium

    static let table: [Rule] = [
        Rule(
            kinds: [.credential],
            condition: .onPlatform,
            severity: .platform,
            action: .forceReset,
            reason: "a working login to a platform of the organisation"
        ),
        Rule(
            kinds: [.credential],
            condition: .onIdentityProvider,
            severity: .fixed(.critical),
            action: .forceReset,
            reason: "the organisation's single sign-on password (Entra ID / Microsoft 365, Google Workspace, Okta…): "
                + "it opens mail, Teams, SharePoint and OneDrive (where patient-list exports live) and, through "
                + "federation, often the VPN and the clinical portals"
        ),
        Rule(
            kinds: [.credential],
            condition: .onIdentityProviderNotInUse,
            severity: .fixed(.high),
            action: nil,
            reason: "a provider the organisation says it does not use: likely a personal or third-party account "
                + "under the organisation's address, whose password may still be the organisation's"
        ),
        Rule(
            kinds: [.credential],
            condition: .withoutPlatform,
            severity: .fixed(.medium),
            action: .forceReset,
            reason: "an organisation password, target unknown"
        ),
        Rule(
            kinds: [.cookie],
            condition: .always,
            severity: .platform,
            action: .revokeSessions,
            reason: "a stolen session works without the password"
        ),
        Rule(
            kinds: [.infectedMachine],
            condition: .always,
            severity: .fixed(.critical),
            action: .reimageDevice,
            reason: "the stealer had the machine; everything typed on it is exposed"
        ),
        Rule(
            kinds: [.reuse],
            condition: .always,
            severity: .fixed(.low),
            action: .review,
            reason: "a login that names the organisation (address, `DOMAIN\\user`) on another site; the password "
                + "may be reused (bare logins only with `--reuse-bare-logins`)"
        ),
        Rule(
            kinds: [.unknownAccount],
            condition: .always,
            severity: .platformLowered,
            action: .review,
            reason: "a login on a platform that matches no account (former staff, typo, shared)"
        ),
        Rule(
            kinds: [.credential],
            condition: .organisationMachine,
            severity: .raised,
            action: nil,
            reason: "stolen from an organisation machine: the attacker may also be inside"
        ),
        Rule(
            kinds: [.credential],
            condition: .passwordNotCurrent,
            severity: .keep,
            action: .revokeSessions,
            reason: "the leaked password no longer works; sessions opened with it may"
        ),
        Rule(
            kinds: [.credential],
            condition: .changedAfterTheft,
            severity: .keep,
            action: .revokeSessions,
            reason: "changed since the theft; sessions and cookies may still be live"
        ),
        Rule(
            kinds: [.credential, .reuse],
            condition: .passwordCurrent,
            severity: .fixed(.critical),
            action: .forceReset,
            reason: "the leaked password still opens the account"
        ),
        Rule(
            kinds: [.credential, .reuse],
            condition: .accountDisabled,
            severity: .keep,
            action: .review,
            reason: "a disabled account cannot log in; check why it is exposed"
        ),
        Rule(
            kinds: [.credential, .reuse],
            condition: .serviceAccountToReset,
            severity: .keep,
            action: .manualRotation,
            reason: "a service or shared account: a forced reset would break what runs with it, so its owners "
                + "rotate the password by hand (`manual` in the reset list)"
        ),
    ]

    /// Applies every matching rule of `table`, in order.
    static func evaluate(_ facts: Facts) -> (severity: Severity, action: Action) {
        let outcome = apply(facts)
        return (outcome.severity, outcome.action)
    }

    /// The number (as in the README's table, from 1) of the rule that gave `finding` its
    /// action: the last matching rule that has one. What a rule looks at is all in the finding
    /// (a platform, its machines, the password's state, the account), so it is found again
    /// without being stored.
    static func actionRule(of finding: Finding) -> Int? {
        apply(
            Facts(
                kind: finding.kind,
                // Only whether there is a platform matters to the conditions, not its severity.
                platformSeverity: finding.platform == nil ? nil : .low,
                fromOrganisationMachine: finding.machines.contains(where: \.isOrganisationMachine),
                isPasswordCurrent: finding.passwordCurrent,
                changedAfterTheft: finding.changedAfterTheft,
                isAccountDisabled: finding.accountDisabled ?? false,
                isServiceAccount: finding.directoryAccount?.isServiceAccount ?? false
            )
        ).actionRule
    }

    /// Every matching rule of `table`, in order: the severity, the action, and the number of
    /// the last rule that set the action.
    private static func apply(_ facts: Facts) -> (severity: Severity, action: Action, actionRule: Int?) {
        var severity = Severity.low
        var action = Action.review
        var actionRule: Int?
        let platformSeverity = facts.platformSeverity ?? severityWithoutPlatform
        for (index, rule) in table.enumerated()
        where rule.kinds.contains(facts.kind) && facts.satisfies(rule.condition, actionSoFar: action) {
            switch rule.severity {
            case .keep: break
            case .fixed(let fixed): severity = fixed
            case .platform: severity = platformSeverity
            case .platformLowered: severity = platformSeverity.lowered
            case .raised: severity = severity.raised
            }
            if let ruleAction = rule.action {
                action = ruleAction
                actionRule = index + 1
            }
        }
        return (severity, action, actionRule)
    }

    /// The rules as a Markdown table, for the README.
    public static var markdownTable: String {
        var lines = [
            "| # | Finding | When | Severity | Action | Why |",
            "|---|---------|------|----------|--------|-----|",
        ]
        for (index, rule) in table.enumerated() {
            let kinds = rule.kinds.map { "`\($0.rawValue)`" }.joined(separator: ", ")
            let action = rule.action.map { "`\($0.rawValue)`" } ?? "unchanged"
            lines.append(
                "| \(index + 1) | \(kinds) | \(rule.condition.summary) | \(rule.severity.summary) | \(action) | "
                    + "\(rule.reason) |"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
