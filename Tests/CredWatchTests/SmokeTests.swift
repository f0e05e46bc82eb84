import Testing

@testable import CredWatch

@Test func locatorParents() {
    #expect(Locator.parent(of: "a.zip!v/Passwords.txt") == "a.zip!v")
    #expect(Locator.parent(of: "a.zip!P.txt") == "a.zip")
    #expect(Locator.parent(of: "P.txt") == "")
}

@Test func locatorNamesAndReplacementsOnBytes() {
    #expect(Locator.name(of: "a.zip!v/Passwords.txt") == "Passwords.txt")
    #expect(Locator.name(of: "dossier é/Données!mot de passe.txt") == "mot de passe.txt")
    #expect(Locator.name(of: "P.txt") == "P.txt")
    #expect(Locator.parent(of: "Zoé/Ünïcödé 🇫🇷/x.txt") == "Zoé/Ünïcödé 🇫🇷")
    #expect("é!x!🇫🇷".replacingAll("!", with: "_") == "é_x_🇫🇷")
    #expect("no mark".replacingAll("!", with: "_") == "no mark")
    #expect(
        Locator.normalizedMemberName(".\\./\\Ordinateur\\Données\\Passwords.txt") == "Ordinateur/Données/Passwords.txt"
    )
}
