import Testing

@testable import CredWatch

@Suite("Document classification")
struct DocumentClassifierTests {
    @Test(
        "Role from the locator",
        arguments: [
            // Credential files, wherever they sit, in any case.
            ("dump.zip!FR[0A1B2C]/Passwords.txt", DocumentRole.credentials),
            ("logs/victim/passwords.txt", .credentials),
            ("Lumma_X/All Passwords.txt", .credentials),
            ("pack.zip!v/All_Passwords.txt", .credentials),
            ("v/_AllPasswords_list.txt", .credentials),
            ("v/Original/Chrome/Password.txt", .credentials),
            ("v/Chrome/Default/Passwords.txt", .credentials),
            ("v/Browser/Passwords.txt", .credentials),
            ("v/Browsers/Chrome_Passwords.txt", .credentials),
            ("V/PASSWORDS.TXT", .credentials),
            ("a.zip!b.zip!v\\Passwords.txt", .credentials),
            ("v/Passwords.json", .credentialsJSON),
            ("v/Browser_Chrome_Default/Passwords.json", .credentialsJSON),
            // System information.
            ("v/UserInformation.txt", .systemInfo),
            ("v/information.txt", .systemInfo),
            ("v/Information.txt", .systemInfo),
            ("v/system_info.txt", .systemInfo),
            ("v/System.txt", .systemInfo),
            ("v/system.txt", .systemInfo),
            ("v/System Info.txt", .systemInfo),
            ("v/UserInfo.txt", .systemInfo),
            ("v/PC_info.txt", .systemInfo),
            ("v/_Information.txt", .systemInfo),
            // … with a locale, a place or a copy number, in any word order, in subfolders.
            ("v/Information [pt-BR].txt", .systemInfo),
            ("v/Information [US, North Charleston].txt", .systemInfo),
            ("v/System_Info.txt", .systemInfo),
            ("v/info_system.txt", .systemInfo),
            ("v/System Info (2).txt", .systemInfo),
            ("v/information_fr.txt", .systemInfo),
            ("v/user_info.txt", .systemInfo),
            ("v/system_information.txt", .systemInfo),
            ("v/identification.txt", .systemInfo),
            ("v/Info/UserInformation.txt", .systemInfo),
            ("v/sys/info_system.txt", .systemInfo),
            ("v/Информация.txt", .systemInfo),
            ("v/Info.json", .systemInfoJSON),
            ("v/Information [fr-FR].json", .systemInfoJSON),
            // Applications' configuration files are never credential lists.
            ("v/soft/Steam/loginusers.vdf", .ignored),
            ("v/soft/Steam/appmanifest_730.acf", .ignored),
            ("v/soft/Steam/ssfn0123456789", .ignored),
            // Cookies.
            ("v/Cookies/Google_[Chrome]_Default Network.txt", .cookies),
            ("v/cookies/Google Chrome_Default Network.txt", .cookies),
            ("v/Cookies/Cookies_Chrome_Default.txt", .cookies),
            ("v/Chrome/Default/Cookies_dev.txt", .cookies),
            ("v/Restore/Google_[Chrome]_Default Fresh Cookies.txt", .cookies),
            ("v/Browsers/Edge/Cookies/x.txt", .cookies),
            // Siblings with nothing to read.
            ("v/Autofills/Google_[Chrome]_Default.txt", .ignored),
            ("v/Autofill/Google Chrome_Default.txt", .ignored),
            ("v/History/Mozilla_[Firefox]_Default.txt", .ignored),
            ("v/Wallets/Exodus/seed.txt", .ignored),
            ("v/FileGrabber/Desktop/notes.txt", .ignored),
            ("v/Telegram/tdata/key.txt", .ignored),
            ("v/Discord/Tokens.txt", .ignored),
            ("v/Screenshot.jpg", .ignored),
            ("v/screenshot_1.png", .ignored),
            ("v/ProcessList.txt", .ignored),
            ("v/Processes.txt", .ignored),
            ("v/InstalledSoftware.txt", .ignored),
            ("v/Software.txt", .ignored),
            ("v/InstalledBrowsers.txt", .ignored),
            ("v/ImportantAutofills.txt", .ignored),
            ("v/DomainDetects.txt", .ignored),
            ("v/Clipboard.txt", .ignored),
            ("v/copyright.txt", .ignored),
            ("v/credits.txt", .ignored),
            ("v/CC/Google_[Chrome]_Default.txt", .ignored),
            ("v/Grabber/app.exe", .ignored),
            ("v/Chrome/Default/Login Data.db", .ignored),
            ("v/Chrome/Default/000003.ldb", .ignored),
            ("v/data.sqlite", .ignored),
            ("v/cookie_list.txt", .ignored),
            ("v/Autofills.json", .ignored),
            // Files named as credentials or system information, under folders named like other
            // grabs: the user's folders above a dump, or a victim's own password file grabbed.
            ("home/Downloads/dump/v/Passwords.txt", .credentials),
            ("Cookies/dump/v/System/Information.txt", .systemInfo),
            ("History/v/Passwords.json", .credentialsJSON),
            ("v/FileGrabber/Desktop/passwords.txt", .credentials),
            ("Downloads/dump/v/Cookies/Chrome.txt", .cookies),
            ("Downloads/dump/v/notes.txt", .ignored),
            // Everything else is a combolist.
            ("-", .combolist),
            ("ulp/combo_2024.txt", .combolist),
            ("big.zip!part1/urls.log", .combolist),
            ("combo.csv", .combolist),
            ("v/keychain.txt", .combolist),
        ]
    )
    func role(locator: String, expected: DocumentRole) {
        #expect(DocumentClassifier.role(forLocator: locator) == expected)
    }

    /// The byte reading of ASCII stems answers as the `Character` reading does: on the names
    /// of every family, and on random stems made of the characters that matter to it.
    @Test func systemInfoNamesReadOnBytesAsByCharacters() {
        var stems = [
            "information", "system info", "system_info (2)", "information [pt-br]",
            "information [us, north charleston]",
            "info_system", "userinformation", "sysinfo 12", "information_fr", "informations", "passwords", "",
            "[system]", "system]", "(info", "info 2 fr", "pc info", "x", "12", "ab cd", "system information 2024",
        ]
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("sytemionfa[]() _-.0123456789BR")
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...14, using: &generator)
            stems.append(String((0..<count).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        for stem in stems {
            #expect(
                DocumentClassifier.isSystemInfoName(ascii: stem)
                    == DocumentClassifier.isSystemInfoName(characters: stem),
                "\(stem)"
            )
        }
    }
}
