import Testing

@testable import CredWatch

@Test func locatorParents() {
    #expect(Locator.parent(of: "a.zip!v/Passwords.txt") == "a.zip!v")
    #expect(Locator.ancestors(of: "a.zip!v/P.txt") == ["a.zip!v", "a.zip", ""])
}
