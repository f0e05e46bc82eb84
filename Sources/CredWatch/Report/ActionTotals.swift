/// What a report asks the SOC to do, counted by action: the table's last line and the HTML
/// report's "what to do first" both read these, so they never disagree.
struct ActionTotals {
    /// Distinct accounts of `force-reset` findings (a finding without an account counts alone).
    let accountsToReset: Int
    /// Findings whose sessions must be revoked (stolen cookies, passwords changed since the theft).
    let sessionsToRevoke: Int
    /// Distinct machines of `reimage-device` findings.
    let machinesToReimage: Int
    /// Findings to look at by hand.
    let toReview: Int
    /// Distinct service accounts of `manual-rotation` findings, whose owners rotate them by hand.
    let accountsToRotateManually: Int

    init(_ findings: [Finding]) {
        var accounts = Set<String>()
        var manual = Set<String>()
        var machines = Set<String>()
        var revoke = 0
        var review = 0
        for finding in findings {
            switch finding.action {
            case .forceReset: accounts.insert(finding.account ?? finding.exposureKey)
            case .revokeSessions: revoke += 1
            case .reimageDevice: machines.insert(finding.machine?.identity ?? finding.exposureKey)
            case .review: review += 1
            case .manualRotation: manual.insert(finding.account ?? finding.exposureKey)
            }
        }
        accountsToReset = accounts.count
        sessionsToRevoke = revoke
        machinesToReimage = machines.count
        toReview = review
        accountsToRotateManually = manual.count
    }
}
