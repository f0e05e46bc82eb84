@testable import CredWatch

// Re-packs of the layouts above as issue 16 describes them: decorations before labels, other
// separators, translated labels, machine names only in WMI sections or banners, renamed files
// in subfolders. Every value is synthetic.
extension LayoutCatalogue {
    static let issue = "issue 16 §3 (re-pack variants)"

    static let repacks: [Layout] = [
        Layout(
            family: "Box-drawing and numbered re-pack (RedLine template)",
            source: issue,
            path: "v/Info/UserInformation.txt",
            text: """
                ╔══════════════════════════════╗
                ║  EXAMPLE CLOUD  ║
                ╚══════════════════════════════╝
                ┃ 1. MachineName: CLIN-PC0601
                ┃ 2. UserName: jdupont
                │ 3) IP: 203.0.113.61
                │ 04 Country: FR
                ║ #5 Log date: 7/4/2024 5:43:07 PM
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0601",
                user: "jdupont",
                ip: "203.0.113.61",
                country: "FR",
                logDateRaw: "7/4/2024 5:43:07 PM",
                logDate: "2024-07-04T17:43:07Z"
            )
        ),
        Layout(
            family: "Watermarked re-pack (Vidar template)",
            source: issue,
            path: "v/information.txt",
            text: """
                [@EXAMPLE_CLOUD] Ip: 203.0.113.62
                [@EXAMPLE_CLOUD] Country: FR
                @example_cloud Computer Name: CLIN-PC0602
                t.me/example_cloud User Name: mmartin
                EXAMPLE CLOUD | Date: 26/6/2025 13:22:47
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0602",
                user: "mmartin",
                ip: "203.0.113.62",
                country: "FR",
                logDateRaw: "26/6/2025 13:22:47",
                logDate: "2025-06-26T13:22:47Z"
            )
        ),
        Layout(
            family: "Separators re-pack (=>, ->, =, -, full-width colon, TAB runs)",
            source: issue,
            path: "v/System.txt",
            text: """
                » Computer => CLIN-PC0603
                » PC Username -> agarnier
                ★ IP Address = 203.0.113.63
                ★ Country - FR
                Log Date：2025-02-03 08:09:10
                Workstation\t\tCLIN-PC0603
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0603",
                user: "agarnier",
                ip: "203.0.113.63",
                country: "FR",
                logDateRaw: "2025-02-03 08:09:10",
                logDate: "2025-02-03T08:09:10Z"
            )
        ),
        Layout(
            family: "TAB-aligned re-pack",
            source: issue,
            path: "v/System_Info.txt",
            text: """
                Device\t\t: CLIN-PC0604
                User Info\t\t: tmoreau
                Public IP\t\t: 203.0.113.64
                Country Code\t: FR
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0604", user: "tmoreau", ip: "203.0.113.64", country: "FR")
        ),
        Layout(
            family: "French re-pack",
            source: issue,
            path: "v/Informations [fr-FR].txt",
            text: """
                • Nom de l'ordinateur : CLIN-PC0605
                • Nom d’utilisateur : cpetit
                • Adresse IP : 203.0.113.65
                • Pays : FR
                • Date : 05/02/2025 10:11:12
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0605",
                user: "cpetit",
                ip: "203.0.113.65",
                country: "FR",
                logDateRaw: "05/02/2025 10:11:12",
                logDate: "2025-02-05T10:11:12Z"
            )
        ),
        Layout(
            family: "Russian re-pack",
            source: issue,
            path: "v/Информация.txt",
            text: """
                ИМЯ КОМПЬЮТЕРА: CLIN-PC0606
                Пользователь: vblanc
                IP адрес: 203.0.113.66
                Страна: FR
                Дата: 06.02.2025 11:12:13
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0606",
                user: "vblanc",
                ip: "203.0.113.66",
                country: "FR",
                logDateRaw: "06.02.2025 11:12:13",
                logDate: "2025-02-06T11:12:13Z"
            )
        ),
        Layout(
            family: "Portuguese re-pack",
            source: issue,
            path: "v/Logs/Information [pt-BR].txt",
            text: """
                Nome do Computador: CLIN-PC0607
                Usuário: rsouza
                Endereço IP: 203.0.113.67
                País: BR
                Data: 07/02/2025 12:13:14
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0607",
                user: "rsouza",
                ip: "203.0.113.67",
                country: "BR",
                logDateRaw: "07/02/2025 12:13:14",
                logDate: "2025-02-07T12:13:14Z"
            )
        ),
        Layout(
            family: "Spanish re-pack",
            source: issue,
            path: "v/sys/info_system.txt",
            text: """
                Nombre del equipo: CLIN-PC0608
                Nombre de usuario: jgarcia
                Dirección IP: 203.0.113.68
                PAÍS: ES
                Fecha: 08/02/2025 13:14:15
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0608",
                user: "jgarcia",
                ip: "203.0.113.68",
                country: "ES",
                logDateRaw: "08/02/2025 13:14:15",
                logDate: "2025-02-08T13:14:15Z"
            )
        ),
        Layout(
            family: "WMI dump: machine name only in the Computer System section",
            source: issue,
            path: "v/System Info.txt",
            text: """
                === Operating System ===
                Name: Microsoft Windows 10 Pro|C:\\WINDOWS|\\Device\\Harddisk0\\Partition3
                === Processor ===
                Name: Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz
                === Computer System ===
                Domain: CLINIQUE-EXEMPLE
                Manufacturer: LENOVO
                Name: CLIN-PC0609
                UserName: CLINIQUE-EXEMPLE\\lcolin
                === Video Controller ===
                Name: Intel(R) UHD Graphics 620
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0609", user: "lcolin")
        ),
        Layout(
            family: "WMI dump: a Computer System label section",
            source: issue,
            path: "v/pc_info.txt",
            text: """
                Disk Drive:
                Name: \\\\.\\PHYSICALDRIVE0

                Computer System:
                Name: CLIN-PC0610
                PrimaryOwnerName: hclement

                Network Adapter:
                Name: Intel(R) Ethernet Connection I219-LM
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0610")
        ),
        Layout(
            family: "User named only in a banner",
            source: issue,
            path: "v/Information.txt",
            text: """
                ===== New log: sdumont@CLIN-PC0611 =====
                IP: 203.0.113.71
                Country: FR
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0611", user: "sdumont", ip: "203.0.113.71", country: "FR")
        ),
        Layout(
            family: "Password re-pack: emoji and arrows",
            source: issue,
            path: "v/Passwords.txt",
            text: """
                🌐 URL => https://mediboard.clinique-exemple.fr/index.php
                👤 Login -> agarnier
                🔑 Password = Bloc-2024!
                ━━━━━━━━━━━━━━━━━━━━
                🌐 URL => https://shop.example.test/
                👤 Login -> agarnier@example.test
                🔑 Password = shop-pass
                """,
            machine: nil,
            credentials: [
                ExpectedCredential("https://mediboard.clinique-exemple.fr/index.php", "agarnier", "Bloc-2024!"),
                ExpectedCredential("https://shop.example.test/", "agarnier@example.test", "shop-pass"),
            ]
        ),
        Layout(
            family: "Password re-pack: watermarks, numbering, box drawing",
            source: issue,
            path: "v/All Passwords.txt",
            text: """
                ┃ [@EXAMPLE_CLOUD] 1. URL: https://dpi.clinique-exemple.fr/
                ┃ [@EXAMPLE_CLOUD] 2. Username: pdurand
                ┃ [@EXAMPLE_CLOUD] 3. Password: Dpi-2024
                """,
            machine: nil,
            credentials: [ExpectedCredential("https://dpi.clinique-exemple.fr/", "pdurand", "Dpi-2024")]
        ),
        Layout(
            family: "Password re-pack: French labels",
            source: issue,
            path: "v/Mots de passe/Passwords.txt",
            text: """
                Site web : https://rdv.clinique-exemple.fr/
                Identifiant : nfaure
                Mot de passe : Rdv-2025
                """,
            machine: nil,
            credentials: [ExpectedCredential("https://rdv.clinique-exemple.fr/", "nfaure", "Rdv-2025")]
        ),
        Layout(
            family: "Password re-pack: Russian labels",
            source: issue,
            path: "v/Passwords.txt",
            text: """
                Сайт: https://labo.clinique-exemple.fr/
                Логин: vblanc
                Пароль: Labo-2025
                """,
            machine: nil,
            credentials: [ExpectedCredential("https://labo.clinique-exemple.fr/", "vblanc", "Labo-2025")]
        ),
        Layout(
            family: "Password re-pack: Portuguese and Spanish labels",
            source: issue,
            path: "v/Passwords.txt",
            text: """
                URL: https://pacs.clinique-exemple.fr/
                Usuário: rsouza
                Senha: Pacs-2025

                URL: https://citrix.clinique-exemple.fr/
                Usuario: jgarcia
                Contraseña: Citrix-2025
                """,
            machine: nil,
            credentials: [
                ExpectedCredential("https://pacs.clinique-exemple.fr/", "rsouza", "Pacs-2025"),
                ExpectedCredential("https://citrix.clinique-exemple.fr/", "jgarcia", "Citrix-2025"),
            ]
        ),
    ]
}
