import Testing

@testable import CredWatch

@Suite("System-information files")
struct SystemInfoTests {
    /// The single machine record parsed from `text` at `locator`.
    private func machine(_ text: String, locator: String) -> (info: VictimInfo, line: Int)? {
        let result = ParseFixture.parse(text, locator: locator)
        #expect(result.machines.count == 1)
        #expect(result.credentials.isEmpty)
        return result.machines.first
    }

    @Test("RedLine UserInformation.txt: US date with PM, no domain")
    func redLine() {
        let text = """
            CLOUD LOGS - @EXAMPLECLOUD | SHOP - @EXAMPLE_BOT
            Build ID: @premium_logs
            IP: 198.51.100.23
            FileLocation: C:\\Users\\jdupont\\AppData\\Local\\Temp\\x.exe
            UserName: jdupont
            MachineName: CLIN-PC0042
            Country: FR
            Zip Code: UNKNOWN
            Location: Paris, Ile-de-France
            HWID: C470995631EB50949A1486556DB55095
            Operation System: Windows 10 Pro x64
            Log date: 7/29/2025 2:27:03 PM
            """
        let parsed = machine(text, locator: "v/UserInformation.txt")
        #expect(parsed?.line == 2)
        #expect(
            parsed?.info
                == ParseFixture.victim(
                    hostname: "CLIN-PC0042",
                    user: "jdupont",
                    ip: "198.51.100.23",
                    country: "FR",
                    hwid: "C470995631EB50949A1486556DB55095",
                    os: "Windows 10 Pro x64",
                    logDateRaw: "7/29/2025 2:27:03 PM",
                    logDate: "2025-07-29T14:27:03Z",
                    build: "@premium_logs",
                    family: .redline
                )
        )
    }

    @Test("META: same template, told apart by its banner")
    func meta() {
        let text = "*  META  *\nBuild ID: b1\nMachineName: PC-1\nUserName: u\nLog date: 1/2/2024 9:05:00 AM\n"
        let parsed = machine(text, locator: "v/UserInformation.txt")
        #expect(parsed?.info.family == .meta)
        #expect(parsed?.info.logDate == "2024-01-02T09:05:00Z")
    }

    @Test("Vidar information.txt: day-first date, Version as build, adverts counted")
    func vidar() {
        let text = """
            -- VIDAR STEALER
            -- Telegram: @example_vidar

            Ip: 203.0.113.9
            Country: FR
            Version: 10.1

            Date: 26/6/2025 13:22:47
            MachineID: 034fe26a-c17d-dffa-30f3-49d39b34074b
            GUID: {730a9551-e8de-8e6b-d617-9f595854e1be}
            HWID: 698600F9EE81AE5539-730a9551

            Windows: Windows 11 Home
            Install Date: Disabled
            Computer Name: CLIN-LAPTOP7
            User Name: mmartin
            Local Time: 26/6/2025 13:22:47
            """
        let result = ParseFixture.parse(text, locator: "v/information.txt")
        #expect(result.skipped == 1)
        #expect(
            result.machines.first?.info
                == ParseFixture.victim(
                    hostname: "CLIN-LAPTOP7",
                    user: "mmartin",
                    ip: "203.0.113.9",
                    country: "FR",
                    hwid: "698600F9EE81AE5539-730a9551",
                    os: "Windows 11 Home",
                    logDateRaw: "26/6/2025 13:22:47",
                    logDate: "2025-06-26T13:22:47Z",
                    build: "10.1",
                    family: .vidar
                )
        )
    }

    @Test("StealC system_info.txt: tab-indented dash labels, unpadded YYYY/M/D H:m:s")
    func stealC() {
        let text = """
            Network Info:
            \t- IP: 192.0.2.44
            \t- Country: FR

            System Summary:
            \t- HWID: 2SR5Z9QKONJ0KOCMEUCZ4
            \t- OS: Windows 10 Home
            \t- UserName: pdurand
            \t- Computer Name: CLIN-ACCUEIL2
            \t- Local Time: 2024/6/22 15:49:7
            \t- GPU:
            \t\t-Intel(R) UHD Graphics
            """
        let parsed = machine(text, locator: "v/system_info.txt")
        #expect(parsed?.line == 1)
        #expect(
            parsed?.info
                == ParseFixture.victim(
                    hostname: "CLIN-ACCUEIL2",
                    user: "pdurand",
                    ip: "192.0.2.44",
                    country: "FR",
                    hwid: "2SR5Z9QKONJ0KOCMEUCZ4",
                    os: "Windows 10 Home",
                    logDateRaw: "2024/6/22 15:49:7",
                    logDate: "2024-06-22T15:49:07Z",
                    family: .stealc
                )
        )
    }

    @Test("Lumma System.txt (current): AD domain, DD.MM.YYYY, build; comments skipped")
    func lumma() {
        let text = """
            # Buy now: TG @example_lumma
            - LummaC2 Build: Oct 21 2024
            - LID: hRjzG3--AEX
            - OS Version: Windows 10 Pro (10.0.19045) x64
            - Local Date: 30.07.2025 13:19:25
            - Install Date: 20.05.2024 13:19:25
            - Computer: CLIN-RADIO03
            - User: lbernard
            - Domain: CLINIQUE-EXEMPLE
            - Hostname: CLIN-RADIO03
            - NetBIOS: CLIN-RADIO03
            - HWID: 051ZFQBP0O621BPO
            - IP Address: 192.0.2.80
            - Country: FR
            """
        let parsed = machine(text, locator: "v/System.txt")
        #expect(
            parsed?.info
                == ParseFixture.victim(
                    hostname: "CLIN-RADIO03",
                    user: "lbernard",
                    domain: "CLINIQUE-EXEMPLE",
                    ip: "192.0.2.80",
                    country: "FR",
                    hwid: "051ZFQBP0O621BPO",
                    os: "Windows 10 Pro (10.0.19045) x64",
                    logDateRaw: "30.07.2025 13:19:25",
                    logDate: "2025-07-30T13:19:25Z",
                    build: "Oct 21 2024",
                    family: .lumma
                )
        )
    }

    @Test("Lumma (older): `- PC:`, `LummaC2, Build:`, an empty domain is a workgroup")
    func lummaOlder() {
        let text = "LummaC2, Build: 20240101\n- PC: HOME-PC\n- User: lucie\n- Domain: \n- IP Address: 198.51.100.4\n"
        let parsed = machine(text, locator: "v/System.txt")
        #expect(
            parsed?.info
                == ParseFixture.victim(
                    hostname: "HOME-PC",
                    user: "lucie",
                    ip: "198.51.100.4",
                    build: "20240101",
                    family: .lumma
                )
        )
    }

    @Test("Raccoon v2 System Info.txt: GUID|user, `IP info`, JS date with offset, labels on one line")
    func raccoonV2() {
        let text = """
            User ID: 00f1354b-0907-4dae-ac64-b4af4d9e2450|nroux
            Last seen: Thu Oct 10 2024 17:21:27 GMT+0200 (Central European Summer Time)
            Build: 638123...25bedf
            IP info: FR 192.0.2.10
            System Information:
            \t- Locale: French
            \t- Time zone: \t- OS: Windows 10 Pro
            \t- Architecture: x64
            """
        let parsed = machine(text, locator: "v/System Info.txt")
        #expect(
            parsed?.info
                == ParseFixture.victim(
                    user: "nroux",
                    ip: "192.0.2.10",
                    country: "FR",
                    hwid: "00f1354b-0907-4dae-ac64-b4af4d9e2450",
                    os: "Windows 10 Pro",
                    logDateRaw: "Thu Oct 10 2024 17:21:27 GMT+0200 (Central European Summer Time)",
                    logDate: "2024-10-10T15:21:27Z",
                    build: "638123...25bedf",
                    family: .raccoon
                )
        )
    }

    @Test("Raccoon v1: banner, Bot_ID uuid_user, `Launched at`, dash labels")
    func raccoonV1() {
        let text = """
            Racc0_0n | 1.8.0

            Launched at: 2024.03.05 - 09:15:00 GMT

            Bot_ID: 5c8e5b8a-0000-4c1e-9d6b-123456789abc_jmartin

            System Information:

              - IP: 203.0.113.50

              - ComputerName: CLIN-COMPTA1

              - Username: jmartin

              - Windows version: NT 10.0

              - Product name: Windows 10 Pro
            """
        let parsed = machine(text, locator: "v/System Info.txt")
        #expect(
            parsed?.info
                == ParseFixture.victim(
                    hostname: "CLIN-COMPTA1",
                    user: "jmartin",
                    ip: "203.0.113.50",
                    hwid: "5c8e5b8a-0000-4c1e-9d6b-123456789abc",
                    os: "Windows 10 Pro",
                    logDateRaw: "2024.03.05 - 09:15:00 GMT",
                    logDate: "2024-03-05T09:15:00Z",
                    family: .raccoon
                )
        )
    }

    @Test("Rhadamanthys system.txt: `Domain Name`, month-name date, traffic tag")
    func rhadamanthys() {
        let text = """
            Log date: 23 Oct 24 00:36 UTC
            Traffic Name: example_traffic
            HWID: 9f2c
            Country: FR
            IP: 192.0.2.7
            Operation System: Windows 10 build 19045 (64 Bit)
            Computer Name: CLIN-BLOC2
            User Name: vlambert
            Domain Name: CLINIQUE
            MachineID: 1b2c
            """
        let parsed = machine(text, locator: "v/system.txt")
        #expect(
            parsed?.info
                == ParseFixture.victim(
                    hostname: "CLIN-BLOC2",
                    user: "vlambert",
                    domain: "CLINIQUE",
                    ip: "192.0.2.7",
                    country: "FR",
                    hwid: "9f2c",
                    os: "Windows 10 build 19045 (64 Bit)",
                    logDateRaw: "23 Oct 24 00:36 UTC",
                    logDate: "2024-10-23T00:36:00Z",
                    build: "example_traffic",
                    family: .rhadamanthys
                )
        )
    }

    @Test("Rhadamanthys with only `Install Date:` keeps it as the date")
    func rhadamanthysInstallDate() {
        let parsed = machine("Domain Name: CLINIQUE\nInstall Date: 03/05/2024\n", locator: "v/system.txt")
        #expect(parsed?.info.logDate == "2024-05-03")
    }

    @Test(
        "RisePro information.txt: the domain in brackets; `[WORKGROUP]` is none",
        arguments: [("CLIN-PC7 [CLINIQUE-EXEMPLE]", "CLINIQUE-EXEMPLE"), ("HOME-PC [WORKGROUP]", nil)]
    )
    func risePro(computer: String, domain: String?) {
        let text =
            "Computer Name: \(computer)\nUser Name: ssimon\nLocation: FR, Lyon\nDate: 05.03.2024 10:00:00\nBuild: rp-1\n"
        let parsed = machine(text, locator: "v/information.txt")
        #expect(parsed?.info.hostname == String(computer.prefix(while: { $0 != " " })))
        #expect(parsed?.info.domain == domain)
        #expect(parsed?.info.country == "FR")
        #expect(parsed?.info.family == .risepro)
        #expect(parsed?.info.logDate == "2024-03-05T10:00:00Z")
    }

    @Test("Meduza UserInfo.txt")
    func meduza() {
        let text = """
            Build Name: example_build
            Log Date: 2024-11-03 10:22:14
            Country Code: FR
            Computer Name: CLIN-PHARMA1
            User Name: agirard
            HWID: 77AA
            IP: 192.0.2.61
            Operation System: Windows 11 Pro
            """
        let parsed = machine(text, locator: "v/UserInfo.txt")
        #expect(
            parsed?.info
                == ParseFixture.victim(
                    hostname: "CLIN-PHARMA1",
                    user: "agirard",
                    ip: "192.0.2.61",
                    country: "FR",
                    hwid: "77AA",
                    os: "Windows 11 Pro",
                    logDateRaw: "2024-11-03 10:22:14",
                    logDate: "2024-11-03T10:22:14Z",
                    build: "example_build",
                    family: .meduza
                )
        )
    }

    @Test("WhiteSnake PC_info.txt: emoji section headers, `Country: Name [CC]`")
    func whiteSnake() {
        let text = """
            💻 System:
            User name: cleroy
            HWID: WS-11AA
            System: Windows 10 Pro
            System time: 2024-02-01T08:00:00+01:00
            📡Whois:
            IP: 198.51.100.77
            Country: France [FR]
            """
        let parsed = machine(text, locator: "v/PC_info.txt")
        #expect(
            parsed?.info
                == ParseFixture.victim(
                    user: "cleroy",
                    ip: "198.51.100.77",
                    country: "FR",
                    hwid: "WS-11AA",
                    os: "Windows 10 Pro",
                    logDateRaw: "2024-02-01T08:00:00+01:00",
                    logDate: "2024-02-01T07:00:00Z",
                    family: .whitesnake
                )
        )
    }

    @Test("Phemedrone Information.txt: `Username: MACHINE\\user`")
    func phemedrone() {
        let text =
            "Username: CLIN-PC9\\efournier\nIP: 192.0.2.9\nCountry: FR\nHardware ID: PH-99\nWindows name: Windows 10 Pro\n"
        let parsed = machine(text, locator: "v/Information.txt")
        #expect(
            parsed?.info
                == ParseFixture.victim(
                    hostname: "CLIN-PC9",
                    user: "efournier",
                    ip: "192.0.2.9",
                    country: "FR",
                    hwid: "PH-99",
                    os: "Windows 10 Pro",
                    family: .phemedrone
                )
        )
    }

    @Test(
        "CryptBot _Information.txt: user and computer on one line; a written UTC offset is applied",
        arguments: [
            (
                "UserName (ComputerName): dmercier (CLIN-PC3)\nLocal Date and Time: 05.03.2024 10:00:00\nOS: Windows 10\n",
                "2024-03-05T10:00:00Z"
            ),
            (
                "UserName [ComputerName]:     dmercier CLIN-PC3\nData [Time]:   05.03.2024 10:00:00   UTC: -07:00\nOS: Windows 10\n",
                "2024-03-05T17:00:00Z"
            ),
        ]
    )
    func cryptBot(text: String, logDate: String) {
        let parsed = machine(text, locator: "v/_Information.txt")
        #expect(parsed?.info.hostname == "CLIN-PC3")
        #expect(parsed?.info.user == "dmercier")
        #expect(parsed?.info.os == "Windows 10")
        #expect(parsed?.info.logDate?.iso8601 == logDate)
        #expect(parsed?.info.family == .cryptbot)
    }

    @Test(
        "systeminfo.exe output: Host Name, Domain (WORKGROUP is none), Registered Owner, OS Name",
        arguments: [("clinique-exemple.local", "clinique-exemple.local"), ("WORKGROUP", nil)]
    )
    func systeminfo(domainValue: String, domain: String?) {
        let text = """
            Host Name:                 CLIN-SEC01
            OS Name:                   Microsoft Windows 10 Pro
            OS Version:                10.0.19045 N/A Build 19045
            Registered Owner:          msimon
            Original Install Date:     1/2/2024, 10:00:00 AM
            Domain:                    \(domainValue)
            Logon Server:              \\\\DC01
            Network Card(s):           1 NIC(s) Installed.
                                       [01]: Intel(R) Ethernet
            """
        let parsed = machine(text, locator: "v/System Info.txt")
        #expect(
            parsed?.info
                == ParseFixture.victim(
                    hostname: "CLIN-SEC01",
                    user: "msimon",
                    domain: domain,
                    os: "Microsoft Windows 10 Pro",
                    family: .systeminfo
                )
        )
    }

    @Test("Atomic UserInformation.txt: macOS product name and version, IP with a suffix")
    func atomic() {
        let text = """
            ATOMIC MAC STEALER V2
            MetaMask Info:
            Seeds:\t

            Userinfo:
            Country: FR
            IP: 203.0.113.182/471404181
            ProductName:\t\tmacOS
            ProductVersion:\t\t13.6

            Hardware:
            \t  Model Name: MacBook Pro
            \t  Hardware UUID: 01133B61-0AAD-05EB-19DC-00429085D135
            """
        let parsed = machine(text, locator: "v/UserInformation.txt")
        #expect(
            parsed?.info
                == ParseFixture.victim(
                    ip: "203.0.113.182",
                    country: "FR",
                    hwid: "01133B61-0AAD-05EB-19DC-00429085D135",
                    os: "macOS 13.6",
                    family: .atomic
                )
        )
    }

    @Test("Placeholders mean absent; a file without fields gives no machine")
    func placeholders() {
        let text = "UserName: UNKNOWN\nMachineName: N/A\nCountry: Unknown\nIP: \nHWID: Disabled\nBuild ID: b\n"
        let result = ParseFixture.parse(text, locator: "v/UserInformation.txt")
        #expect(result.machines.map(\.info) == [ParseFixture.victim(build: "b", family: .redline)])
        let empty = ParseFixture.parse("just a banner\n\n", locator: "v/UserInformation.txt")
        #expect(empty.machines.isEmpty)
    }

    @Test("Info.json: nested keys, camel and snake case")
    func infoJSON() {
        let text = """
            {
              "system": {"computer_name": "CLIN-PC5", "userName": "tpetit", "os": "Windows 10"},
              "network": {"ip": "192.0.2.5", "country": "FR"},
              "hwid": "J-55", "date": "2024-11-03T10:22:14Z", "build": null
            }
            """
        let parsed = machine(text, locator: "Browser_x/Info.json")
        #expect(parsed?.line == 2)
        #expect(
            parsed?.info
                == ParseFixture.victim(
                    hostname: "CLIN-PC5",
                    user: "tpetit",
                    ip: "192.0.2.5",
                    country: "FR",
                    hwid: "J-55",
                    os: "Windows 10",
                    logDateRaw: "2024-11-03T10:22:14Z",
                    logDate: "2024-11-03T10:22:14Z",
                    family: .json
                )
        )
    }
}
