/// What a report asks the SOC to do, counted by action: the table's `to do` line and the HTML
/// report's "what to do first" both read these, so they never disagree. The accounts come from
/// the reset list's rows (`ReportRenderer.resetEntries`), so the counts are also those of
/// `--reset-list` and of the page's "Accounts to reset".
struct ActionTotals {
    /// Accounts whose password is reset now (reset-list rows `reset`: the accounts of
    /// `force-reset` findings and the users of infected organisation machines; a `force-reset`
    /// finding without an account of the export counts alone).
    let accountsToReset: Int
    /// How many of `accountsToReset` have a critical finding.
    let criticalAccountsToReset: Int
    /// Disabled accounts with a leaked credential (rows `reset-disabled`): a random password
    /// only, so that re-enabling them does not bring the leaked password back.
    let disabledAccountsToReset: Int
    /// Service and shared accounts (rows `manual`), whose owners rotate them by hand.
    let accountsToRotateManually: Int
    /// Findings whose sessions must be revoked (stolen cookies, passwords changed since the theft).
    let sessionsToRevoke: Int
    /// Distinct machines of `reimage-device` findings.
    let machinesToReimage: Int
    /// Findings to look at by hand.
    let toReview: Int

    init(_ findings: [Finding]) {
        self.init(findings, resetEntries: ReportRenderer.resetEntries(findings))
    }

    /// `resetEntries`: the reset list of `findings`, when the caller has it already.
    init(_ findings: [Finding], resetEntries entries: [ResetEntry]) {
        var reset = 0
        var critical = 0
        var disabled = 0
        var manual = 0
        for entry in entries {
            switch entry.action {
            case .reset:
                reset += 1
                if entry.severity == .critical { critical += 1 }
            case .resetDisabled: disabled += 1
            case .manual: manual += 1
            }
        }
        // Findings to reset or rotate without an account of the export have no reset-list row:
        // each exposure counts alone.
        var loneResets = Set<String>()
        var loneCriticalResets = Set<String>()
        var loneRotations = Set<String>()
        var machines = Set<String>()
        var revoke = 0
        var review = 0
        for finding in findings {
            switch finding.action {
            case .forceReset where finding.directoryAccount == nil:
                loneResets.insert(finding.exposureKey)
                if finding.severity == .critical { loneCriticalResets.insert(finding.exposureKey) }
            case .manualRotation where finding.directoryAccount == nil: loneRotations.insert(finding.exposureKey)
            case .forceReset, .manualRotation: break
            case .revokeSessions: revoke += 1
            case .reimageDevice: machines.insert(finding.machine?.identity ?? finding.exposureKey)
            case .review: review += 1
            }
        }
        reset += loneResets.count
        critical += loneCriticalResets.count
        manual += loneRotations.count
        accountsToReset = reset
        criticalAccountsToReset = critical
        disabledAccountsToReset = disabled
        accountsToRotateManually = manual
        sessionsToRevoke = revoke
        machinesToReimage = machines.count
        toReview = review
    }
}
