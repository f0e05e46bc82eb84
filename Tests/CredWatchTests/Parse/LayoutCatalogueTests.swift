import Testing

@testable import CredWatch

@Suite("Layout catalogue: the long tail of stealer families")
struct LayoutCatalogueTests {
    @Test("Each layout gives its machine and credentials", arguments: LayoutCatalogue.all)
    func layout(_ layout: Layout) {
        let result = ParseFixture.parse(layout.text, locator: layout.path)
        if let expected = layout.machine {
            #expect(DocumentClassifier.role(forLocator: layout.path) == .systemInfo)
            #expect(result.machines.count == 1)
            let parsed = result.machines.first.map { ExpectedMachine($0.info) }
            #expect(parsed == expected)
            if let family = layout.parsedFamily { #expect(result.machines.first?.info.family == family) }
        } else {
            #expect(DocumentClassifier.role(forLocator: layout.path) == .credentials)
            #expect(result.machines.isEmpty)
            if let family = layout.parsedFamily { #expect(result.credentials.allSatisfy { $0.family == family }) }
        }
        let credentials = result.credentials.map { ExpectedCredential($0.url, $0.login, $0.password) }
        #expect(credentials == layout.credentials)
    }

    @Test("The catalogue holds at least 60 distinct layouts from public descriptions")
    func size() {
        let published = LayoutCatalogue.systemInformation + LayoutCatalogue.passwordFiles
        #expect(published.count >= 60)
        #expect(Set(LayoutCatalogue.all.map(\.text)).count == LayoutCatalogue.all.count)
        #expect(LayoutCatalogue.all.allSatisfy { !$0.source.isEmpty && !$0.family.isEmpty })
    }
}
