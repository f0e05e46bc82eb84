import Testing

@testable import CredWatch

@Test func severityRaise() {
    #expect(Severity.high.raised == .critical)
}
