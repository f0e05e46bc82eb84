@testable import CredWatch

// Password-file layouts. Sources: the reference notes (/work/shared/reference/stealer-logs.md
// §1: lexfo/stealer-parser's grammar, kzorin52/stealerchecker, megansquire/syntheticInfostealers,
// CyStack's catalogue) and CyStack's CSAppProfileStealer and CSSoftHostStealer profiles; and the
// re-pack decorations, separators and translations issue 16 lists. Every value is synthetic.
extension LayoutCatalogue {
    static let reference = "reference notes stealer-logs.md §1"

    static let passwordFiles: [Layout] = [
        Layout(
            family: "RedLine",
            source: reference + " (lexfo grammar, anhnmt parsers)",
            path: "FR[A1B2]/Passwords.txt",
            text: """
                *****************************************************
                *  RedLine  *  Telegram: @example_shop               *
                *****************************************************
                URL: https://mediboard.clinique-exemple.fr/index.php
                Username: jdupont
                Password: Hopital2024!
                Application: Google_[Chrome]_Default
                ===============

                URL: https://mail.example.test/
                Username: UNKNOWN
                Password: pw:with:colons
                Application: Microsoft_[Edge]_Profile 2
                ===============
                """,
            machine: nil,
            credentials: [
                ExpectedCredential("https://mediboard.clinique-exemple.fr/index.php", "jdupont", "Hopital2024!"),
                ExpectedCredential("https://mail.example.test/", "", "pw:with:colons"),
            ],
            parsedFamily: .redline
        ),
        Layout(
            family: "Vidar",
            source: reference,
            path: "v/passwords.txt",
            text: """
                Soft: Google Chrome [Default]
                Host: https://portail.clinique-exemple.fr/login
                Login:mmartin
                Password: S3cret-1


                Soft: Mozilla Firefox (Default)
                Host: https://webmail.example.test
                Login: m.martin@example.test
                Password: S3cret-2
                """,
            machine: nil,
            credentials: [
                ExpectedCredential("https://portail.clinique-exemple.fr/login", "mmartin", "S3cret-1"),
                ExpectedCredential("https://webmail.example.test", "m.martin@example.test", "S3cret-2"),
            ],
            parsedFamily: .vidar
        ),
        Layout(
            family: "StealC",
            source: reference + " (megansquire synthetic generator, lexfo grammar)",
            path: "v/passwords.txt",
            text: """
                ----------------------------------------------------------------
                Best logs: example shop
                ----------------------------------------------------------------
                browser: Google Chrome
                profile: Default
                url: https://dpi.clinique-exemple.fr/
                login: pdurand
                password: Urgences#7

                browser: Microsoft Edge
                profile: Profile 1
                url: https://intranet.example.test/
                login: pdurand@example.test
                password: Edge-pass
                """,
            machine: nil,
            credentials: [
                ExpectedCredential("https://dpi.clinique-exemple.fr/", "pdurand", "Urgences#7"),
                ExpectedCredential("https://intranet.example.test/", "pdurand@example.test", "Edge-pass"),
            ],
            parsedFamily: .stealc
        ),
        Layout(
            family: "Lumma (All Passwords.txt)",
            source: reference + " (megansquire, CyStack)",
            path: "v/All Passwords.txt",
            text: """
                SOFT: Chrome Default (132.0.6834.84)
                URL: https://pacs.clinique-exemple.fr/viewer
                USER: lbernard
                PASS: Radio!2025
                SOFT: Edge Default (131.0)
                URL: https://shop.example.test/
                USER: l.bernard@example.test
                PASS: shop-pass
                """,
            machine: nil,
            credentials: [
                ExpectedCredential("https://pacs.clinique-exemple.fr/viewer", "lbernard", "Radio!2025"),
                ExpectedCredential("https://shop.example.test/", "l.bernard@example.test", "shop-pass"),
            ],
            parsedFamily: .lumma
        ),
        Layout(
            family: "Lumma (per-browser file)",
            source: reference,
            path: "v/Chrome/Default/Passwords.txt",
            text: """
                SOFT: Chrome Default
                URL: https://labo.clinique-exemple.fr/
                USER: vblanc
                PASS: Labo-2025
                """,
            machine: nil,
            credentials: [ExpectedCredential("https://labo.clinique-exemple.fr/", "vblanc", "Labo-2025")],
            parsedFamily: .lumma
        ),
        Layout(
            family: "Raccoon v2 (labels)",
            source: reference + " (stealerchecker, lexfo lexer)",
            path: "v/passwords.txt",
            text: """
                HOST: https://rdv.clinique-exemple.fr/
                USER: nfaure
                PASS: Rdv-2024

                HOST: https://forum.example.test/
                USER: nfaure@example.test
                PASS: forum-pass
                """,
            machine: nil,
            credentials: [
                ExpectedCredential("https://rdv.clinique-exemple.fr/", "nfaure", "Rdv-2024"),
                ExpectedCredential("https://forum.example.test/", "nfaure@example.test", "forum-pass"),
            ],
            parsedFamily: .raccoon
        ),
        Layout(
            family: "Raccoon (TAB rows)",
            source: reference + " (CyStack: tab- or pipe-separated rows)",
            path: "v/passwords.txt",
            text: """
                https://vpn.clinique-exemple.fr/remote/login\tsleroy\tVpn-2024
                https://mail.example.test/\tsleroy@example.test\tmail-pass
                """,
            machine: nil,
            credentials: [
                ExpectedCredential("https://vpn.clinique-exemple.fr/remote/login", "sleroy", "Vpn-2024"),
                ExpectedCredential("https://mail.example.test/", "sleroy@example.test", "mail-pass"),
            ]
        ),
        Layout(
            family: "Raccoon (pipe rows)",
            source: reference + " (CyStack: tab- or pipe-separated rows)",
            path: "v/Passwords.txt",
            text: """
                https://citrix.clinique-exemple.fr/|tmoreau|Citrix-2024
                """,
            machine: nil,
            credentials: [ExpectedCredential("https://citrix.clinique-exemple.fr/", "tmoreau", "Citrix-2024")]
        ),
        Layout(
            family: "44CALIBER",
            source: reference + " (stealerchecker)",
            path: "v/_AllPasswords_list.txt",
            text: """
                Url: https://ehr.clinique-exemple.fr/
                Username: cpetit
                Password: Ehr-2024

                """,
            machine: nil,
            credentials: [ExpectedCredential("https://ehr.clinique-exemple.fr/", "cpetit", "Ehr-2024")],
            parsedFamily: .caliber44
        ),
        Layout(
            family: "Collector",
            source: reference + " (stealerchecker)",
            path: "v/Browser/Passwords.txt",
            text: """
                |
                | Site: https://pharma.clinique-exemple.fr/
                | Login: afontaine
                | Pass: Pharma-2024
                |
                """,
            machine: nil,
            credentials: [ExpectedCredential("https://pharma.clinique-exemple.fr/", "afontaine", "Pharma-2024")],
            parsedFamily: .collector
        ),
        Layout(
            family: "Unnamed system_info.txt family (Site/Username/Password)",
            source: reference + " (stealerchecker)",
            path: "v/passwords.txt",
            text: """
                Site: https://planning.clinique-exemple.fr/
                Username: rchevalier
                Password: Plan-2024
                """,
            machine: nil,
            credentials: [ExpectedCredential("https://planning.clinique-exemple.fr/", "rchevalier", "Plan-2024")]
        ),
        Layout(
            family: "DCRat (stealer mode)",
            source: reference + " (stealerchecker)",
            path: "v/Browsers/Chrome_Passwords.txt",
            text: """
                URL: https://owa.clinique-exemple.fr/owa/
                Login: gbonnet
                Password: Owa-2024
                """,
            machine: nil,
            credentials: [ExpectedCredential("https://owa.clinique-exemple.fr/owa/", "gbonnet", "Owa-2024")],
            parsedFamily: .dcrat
        ),
        Layout(
            family: "BRADMAX CSAppProfileStealer",
            source: cyStack + " families/cs-app-profile-stealer",
            path: "[FR]@EXAMPLELOGS (BRADMAX) (12)/All_Passwords.txt",
            text: """
                URL: https://sso.clinique-exemple.fr/login
                Username: jrobin
                Password: Sso-2024
                Application: Chrome [Profile: Default]
                ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━
                URL: https://shop.example.test/
                Username:
                Password: only-a-password
                Application: Edge [Profile: Default]
                ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━
                """,
            machine: nil,
            credentials: [
                ExpectedCredential("https://sso.clinique-exemple.fr/login", "jrobin", "Sso-2024"),
                ExpectedCredential("https://shop.example.test/", "", "only-a-password"),
            ],
            parsedFamily: .bradmax
        ),
        Layout(
            family: "BRADMAX CSSoftHostStealer",
            source: reference + "; " + cyStack,
            path: "v/Original/Chrome/Password.txt",
            text: """
                Soft: Chrome
                Host: android://QmFzZTY0SGFzaA==@com.example.pro/
                Login: egirard
                Password: App-2024
                """,
            machine: nil,
            credentials: [ExpectedCredential("android://QmFzZTY0SGFzaA==@com.example.pro/", "egirard", "App-2024")]
        ),
        Layout(
            family: "Atomic (AMOS)",
            source: reference + " (megansquire)",
            path: "v/Passwords.txt",
            text: """
                URL: https://teleconsult.clinique-exemple.fr/
                LOGIN: proussel
                PASSWORD: Mac-2024
                URL: https://icloud.example.test/
                LOGIN: p.roussel@example.test
                PASSWORD: icloud-pass
                """,
            machine: nil,
            credentials: [
                ExpectedCredential("https://teleconsult.clinique-exemple.fr/", "proussel", "Mac-2024"),
                ExpectedCredential("https://icloud.example.test/", "p.roussel@example.test", "icloud-pass"),
            ],
            parsedFamily: .atomic
        ),
        Layout(
            family: "lexfo grammar: leetspeak labels",
            source: reference + " (lexfo/stealer-parser lexer)",
            path: "v/Passwords.txt",
            text: """
                UR1: https://extranet.clinique-exemple.fr/
                U53RN4M3: bguerin
                P455W0RD: Leet-2024
                """,
            machine: nil,
            credentials: [ExpectedCredential("https://extranet.clinique-exemple.fr/", "bguerin", "Leet-2024")]
        ),
        Layout(
            family: "lexfo grammar: USER LOGIN / USER PASSWORD, Storage, multi-line password",
            source: reference + " (lexfo/stealer-parser grammar, multiline_entry)",
            path: "v/Passwords.txt",
            text: """
                Storage: Opera GX
                Hostname: https://biologie.clinique-exemple.fr/
                USER LOGIN: lnicolas
                USER PASSWORD: first-line
                second-line
                """,
            machine: nil,
            credentials: [
                ExpectedCredential("https://biologie.clinique-exemple.fr/", "lnicolas", "first-line\nsecond-line")
            ]
        ),
    ]
}
