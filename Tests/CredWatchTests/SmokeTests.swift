import Testing

@testable import CredWatch

@Test func locatorParents() {
    #expect(Locator.parent(of: "a.zip!v/Passwords.txt") == "a.zip!v")
    #expect(Locator.parent(of: "a.zip!P.txt") == "a.zip")
    #expect(Locator.parent(of: "P.txt") == "")
}
