import Testing

@testable import CredWatch

@Suite struct TriageRulesTests {
    typealias F = ReportFixture

    /// One row of the documented rules: a situation and the verdict it must get.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var kind: FindingKind = .credential
        var account: Int? = ReportFixture.jdupont
        var platform: Platform? = ReportFixture.mediboard
        var organisationMachine = false
        var isCurrent: Bool?
        var lastChange: Timestamp?
        var severity: Severity
        var action: Action
        var changedAfterTheft: Bool?

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "credential on a high platform", severity: .high, action: .forceReset),
        Case(name: "credential on a medium platform", platform: F.webmail, severity: .medium, action: .forceReset),
        Case(
            name: "org machine raises one level",
            platform: F.webmail,
            organisationMachine: true,
            severity: .high,
            action: .forceReset
        ),
        Case(name: "org machine raises high", organisationMachine: true, severity: .critical, action: .forceReset),
        Case(
            name: "password current",
            platform: F.intranet,
            isCurrent: true,
            severity: .critical,
            action: .forceReset,
            changedAfterTheft: false
        ),
        Case(name: "password not current", isCurrent: false, severity: .high, action: .revokeSessions),
        Case(
            name: "changed after theft",
            lastChange: "2024-12-01T09:00:00Z",
            severity: .high,
            action: .revokeSessions,
            changedAfterTheft: true
        ),
        Case(
            name: "changed before theft",
            lastChange: "2024-06-01",
            severity: .high,
            action: .forceReset,
            changedAfterTheft: false
        ),
        Case(
            name: "changed the day of the theft, no time",
            lastChange: "2024-11-03",
            severity: .high,
            action: .forceReset,
            changedAfterTheft: false
        ),
        Case(
            name: "current beats a later change date",
            isCurrent: true,
            lastChange: "2025-01-01",
            severity: .critical,
            action: .forceReset,
            changedAfterTheft: false
        ),
        Case(name: "disabled account", account: F.disabledUser, severity: .high, action: .review),
        Case(
            name: "disabled account, current password",
            account: F.disabledUser,
            isCurrent: true,
            severity: .critical,
            action: .review,
            changedAfterTheft: false
        ),
        Case(name: "credential without URL", platform: nil, severity: .medium, action: .forceReset),
        Case(name: "cookie", kind: .cookie, account: nil, severity: .high, action: .revokeSessions),
        Case(name: "reuse", kind: .reuse, platform: nil, severity: .low, action: .review),
        Case(
            name: "reuse of the current password",
            kind: .reuse,
            platform: nil,
            isCurrent: true,
            severity: .critical,
            action: .forceReset,
            changedAfterTheft: false
        ),
        Case(name: "unknown account", kind: .unknownAccount, account: nil, severity: .medium, action: .review),
        Case(
            name: "unknown account on a low platform",
            kind: .unknownAccount,
            account: nil,
            platform: F.intranet,
            severity: .low,
            action: .review
        ),
    ]

    @Test(arguments: cases)
    func verdict(_ situation: Case) throws {
        let folder = "logs.zip!victim"
        let sighting: Sighting
        if situation.kind == .cookie {
            sighting = F.cookie(path: folder + "/Cookies.txt")
        } else {
            sighting = F.credential(
                account: situation.account,
                platform: situation.platform,
                path: folder + "/Passwords.txt",
                kind: situation.kind,
                isCurrent: situation.isCurrent,
                lastChange: situation.lastChange
            )
        }
        let machine = F.machine(
            folder: folder,
            logDate: "2024-11-03T10:22:14Z",
            isOrganisation: situation.organisationMachine
        )
        let findings = F.aggregate([.sighting(sighting), .machine(machine)])
        let finding = try #require(findings.first { $0.kind == situation.kind })
        #expect(finding.severity == situation.severity)
        #expect(finding.action == situation.action)
        #expect(finding.changedAfterTheft == situation.changedAfterTheft)
    }

    @Test func infectedMachineIsCriticalReimage() {
        let verdict = TriageRules.evaluate(TriageRules.Facts(kind: .infectedMachine))
        #expect(verdict.severity == .critical)
        #expect(verdict.action == .reimageDevice)
    }

    @Test func markdownTableHasOneRowPerRule() {
        let lines = TriageRules.markdownTable.split(separator: "\n")
        #expect(lines.count == TriageRules.table.count + 2)
        #expect(lines.allSatisfy { $0.hasPrefix("|") && $0.hasSuffix("|") })
        #expect(TriageRules.markdownTable.contains("`force-reset`"))
    }

    /// Dates as the readers of exports and logs give them (`PasswordDate`, which also reads
    /// MySQL's `2024-11-03 12:00:00.123`).
    @Test(arguments: [
        ("2024-11-04", "2024-11-03T23:59:59Z", true),
        ("2024-11-03T12:00:00Z", "2024-11-03T10:22:14Z", true),
        ("2024-11-03T10:00:00Z", "2024-11-03T10:22:14Z", false),
        // A date alone, or different zones: only a later day counts.
        ("2024-11-03T23:00:00Z", "2024-11-03", false),
        ("2024-11-03T23:00:00+02:00", "2024-11-03T10:00:00+02:00", false),
        ("2024-11-03T23:00:00", "2024-11-03T10:00:00Z", false),
        ("2024-11-03 12:00:00.123", "2024-11-03 11:59:59", true),
    ])
    func timestampOrder(_ later: String, _ earlier: String, _ expected: Bool) throws {
        let late = try #require(PasswordDate.normalized(later))
        let early = try #require(PasswordDate.normalized(earlier))
        #expect(late.isCertainlyAfter(early) == expected)
    }

    /// A change date that cannot be read is no date, so whether the password changed after the
    /// theft is unknown (dates are typed: nothing unreadable reaches the comparison).
    @Test(arguments: ["", "yesterday", "2024-11-0", "2024-13-03", "03/11/24"])
    func unparsableTimestampIsUnknown(_ text: String) throws {
        #expect(PasswordDate.normalized(text) == nil)
        let sighting = F.credential(path: "logs.zip!victim/Passwords.txt", lastChange: PasswordDate.normalized(text))
        let findings = F.aggregate([.sighting(sighting), .machine(F.machine(folder: "logs.zip!victim"))])
        let finding = try #require(findings.first { $0.kind == .credential })
        #expect(finding.changedAfterTheft == nil)
    }
}
