@testable import CredWatch

// System-information layouts. Sources: the MalBeacon "what-is-this-stealer" catalogue of
// system-information templates (README, 2025-2026 revisions), CyStack's stealer-fingerprints
// catalogue (families/*/README.md and sanitised samples), and the reference notes
// (/work/shared/reference/stealer-logs.md §2). Every value is synthetic.
extension LayoutCatalogue {
    static let malBeacon = "MalBeacon/what-is-this-stealer README"
    static let cyStack = "cystack/stealer-fingerprints"

    static let systemInformation: [Layout] = [
        Layout(
            family: "RedLine",
            source: malBeacon,
            path: "FR[A1B2C3]/UserInformation.txt",
            text: """
                Build ID: TG
                IP: 203.0.113.10
                FileLocation: C:\\Users\\jdupont\\AppData\\Roaming\\x.exe
                UserName: jdupont
                MachineName: CLIN-PC0042
                Country: FR
                Zip Code: UNKNOWN
                Location: Paris, Ile-de-France
                HWID: 0A1B2C3D4E5F60718293A4B5C6D7E8F9
                Current Language: French (France)
                ScreenSize: {Width=1920, Height=1080}
                TimeZone: (UTC+01:00) Brussels, Copenhagen, Madrid, Paris
                Operation System: Windows 10 Pro x64
                Log date: 7/4/2024 5:43:07 PM

                Available KeyboardLayouts:
                French (France)

                Hardwares:
                Name: Intel(R) Core(TM) i5-6300U CPU @ 2.40GHz, 2 Cores
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0042",
                user: "jdupont",
                ip: "203.0.113.10",
                country: "FR",
                logDateRaw: "7/4/2024 5:43:07 PM",
                logDate: "2024-07-04T17:43:07Z"
            ),
            parsedFamily: .redline
        ),
        Layout(
            family: "ArechClientV2",
            source: malBeacon,
            path: "v/UserInformation.txt",
            text: """
                IP: 198.51.100.20
                FileLocation: C:\\Windows\\Microsoft.NET\\Framework\\v4.0.30319\\MSBuild.exe
                UserName: mmartin
                Country: GE
                HWID: 12F6A3D3C12FE832CE805EB15C38A31A
                Current Language: Russian (Russia)
                ScreenSize: {Width = 1536,Height = 864}TimeZone: (UTC+04:00) Tbilisi
                Operation System: Windows 10 Enterprise x64

                Hardwares:
                Name: Intel(R) Core(TM) i7-6700HQ CPU @ 2.60GHz, 4 Cores
                Name: Total of RAM, 16211.79 MB or 16999297024 bytes
                """,
            machine: ExpectedMachine(user: "mmartin", ip: "198.51.100.20", country: "GE")
        ),
        Layout(
            family: "Misericorde",
            source: malBeacon,
            path: "v/UserInformation.txt",
            text: """
                       (|)
                  _____/|\\_____
                 |  \\/  |_|___  ___ _ __(_) ___ ___
                Username: lbernard
                Hostname: CLIN-RADIO03
                FileLocation: C:\\ProgramData\\Neptune\\falcon.exe
                IP: 203.0.113.30
                Country: France (FR)
                Timezone: Europe/Paris
                City: Lyon
                Hwid: 462B9F6317162517FD6EF7534964B079
                Logdate: 2026-01-19 05:04:16
                Buildtag: cherry118
                [System]
                OS Product: Windows 10 Pro 25H2 x64 (26200)
                [Hardware]
                CPU: AMD Ryzen 9 7900X 12-Core Processor
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-RADIO03",
                user: "lbernard",
                ip: "203.0.113.30",
                country: "FR",
                logDateRaw: "2026-01-19 05:04:16",
                logDate: "2026-01-19T05:04:16Z"
            )
        ),
        Layout(
            family: "Vidar",
            source: malBeacon,
            path: "v/information.txt",
            text: """
                Ip: 203.0.113.40
                Country: FR
                Version: 12

                Date: 26/6/2025 13:22:47
                MachineID: 034fe26a-c17d-dffa-30f3-49d39b34074b
                GUID: {730a9551-e8de-8e6b-d617-9f595854e1be}
                HWID: 698600F9EE81AE5539-730a9551

                Path: C:\\ProgramData\\x.exe
                Work Dir: In memory

                Windows: Windows 10 Pro
                Install Date: Disabled
                AV: Disabled
                Computer Name: CLIN-LAPTOP7
                User Name: pdurand
                Display Resolution: 1920x1080
                Local Time: 26/6/2025 13:22:47
                TimeZone: 2

                [Hardware]
                Processor: AMD Phenom(tm) II X6 1090T Processor
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-LAPTOP7",
                user: "pdurand",
                ip: "203.0.113.40",
                country: "FR",
                logDateRaw: "26/6/2025 13:22:47",
                logDate: "2025-06-26T13:22:47Z"
            ),
            parsedFamily: .vidar
        ),
        Layout(
            family: "RisePro",
            source: malBeacon,
            path: "v/information.txt",
            text: """
                Build: default
                Version: 2.0
                Date: Sat Jul 06 3:43:57 2024
                MachineID: 1a2b3c4d
                GUID: {553e7197-0000-0000-0000-000000000000}
                HWID: 0A1B2C3D
                Path: C:\\Windows\\Microsoft.NET\\Framework\\v4.0.30319\\RegAsm.exe
                Work Dir: C:\\Users\\hp\\AppData\\Local\\Temp\\trixy
                IP: 203.0.113.50
                Location: FR, Lille
                ZIP (Autofills): -
                Windows: Windows 10 Pro [x64]
                Computer Name: CLIN-ACCUEIL2 [CLINIQUE-EXEMPLE]
                User Name: sleroy
                Local Time: 6/7/2024 3:43:57
                TimeZone: UTC2
                [Hardware]
                Processor: Intel(R) Core(TM) i7-4770 CPU @ 3.40GHz
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-ACCUEIL2",
                user: "sleroy",
                ip: "203.0.113.50",
                country: "FR",
                logDateRaw: "Sat Jul 06 3:43:57 2024",
                logDate: "2024-07-06T03:43:57Z"
            ),
            parsedFamily: .risepro
        ),
        Layout(
            family: "StealC",
            source: malBeacon,
            path: "v/system_info.txt",
            text: """
                Network Info:
                 - IP: 192.0.2.44
                 - Country: FR

                System Summary:
                 - HWID: G5NGOT9X695ZPKPW0RQSPS
                 - OS: Windows 10 Pro
                 - Architecture: x64
                 - UserName: agarnier
                 - Computer Name: CLIN-CONSULT5
                 - Local Time: 2024/6/22 15:49:7
                 - UTC: 5
                 - GPU:
                          -Intel(R) HD Graphics 5500
                User Agents:

                Installed Apps:
                All Users:
                \tDriver Booster 11 - 11.6.0
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-CONSULT5",
                user: "agarnier",
                ip: "192.0.2.44",
                country: "FR",
                logDateRaw: "2024/6/22 15:49:7",
                logDate: "2024-06-22T15:49:07Z"
            ),
            parsedFamily: .stealc
        ),
        Layout(
            family: "Lumma (2024 template)",
            source: malBeacon,
            path: "v/System.txt",
            text: """
                - LummaC2 Build: Oct 21 2024
                - LID: 4SD0y4--MAGISTER
                - Configuration:
                - Path: C:\\Users\\pc\\AppData\\Local\\Temp\\1F58.exe

                - OS Version: Windows 11 Pro (10.0.22631) x64
                - Local Date: 26.10.2024 19:00:18
                - Time Zone: UTC+1
                - Install Date: 23.02.2024 11:01:58
                - Elevated: false
                - Computer:CLIN-PHARMA01
                - User: tmoreau
                - Domain: CLINIQUE-EXEMPLE
                - Hostname: CLIN-PHARMA01
                - NetBIOS: CLIN-PHARMA01
                - Anti Virus:
                \t- Windows Defender
                - HWID: 2FC5E1B5B129FD4CDB71E32F12995CB3

                - IP Address: 198.51.100.60
                - Time: 26.10.2024 18:00:17 (sig:1729954817.083b646b6e3d8a67dcccac7f0073444c)
                - Country: FR
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PHARMA01",
                user: "tmoreau",
                ip: "198.51.100.60",
                country: "FR",
                logDateRaw: "26.10.2024 19:00:18",
                logDate: "2024-10-26T19:00:18Z"
            ),
            parsedFamily: .lumma
        ),
        Layout(
            family: "Lumma (2023 template)",
            source: malBeacon,
            path: "v/System.txt",
            text: """
                LummaC2, Build: Dec 29 2023
                LID (Lumma ID): 4SD0y4--MAGISTER

                - PC: CLIN-PC0100
                - User: cpetit
                - Domain:
                - Hostname: CLIN-PC0100
                - NetBIOS: CLIN-PC0100
                - OS Version: Windows 11 Pro (10.0.22631) x64
                - HWID: 2FC5E1B5B129FD4CDB71E32F12995CB3


                - IP Address: 198.51.100.61
                - Country: FR
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0100", user: "cpetit", ip: "198.51.100.61", country: "FR"),
            parsedFamily: .lumma
        ),
        Layout(
            family: "Raccoon v1",
            source: malBeacon,
            path: "v/System Info.txt",
            text: """
                Build compile date: Sat Feb 27 21:25:06 2021
                Launched at: 2021.03.03 - 09:59:08 GMT
                Bot_ID: 2B535503-847D-4780-BFA1-18DFAF0D764D_mroux
                Running on a laptop

                -------------

                  - Cookies: 1292
                  - Passwords: 104

                System Information:
                  - System Language: French
                  - System TimeZone: +1 hrs
                  - IP: 203.0.113.70
                  - Location: 48.85, 2.35 | Paris, Ile-de-France, France (75001)
                  - ComputerName: CLIN-PC0070
                  - Username: mroux
                  - Windows version: NT 6.1
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0070",
                user: "mroux",
                ip: "203.0.113.70",
                logDateRaw: "2021.03.03 - 09:59:08 GMT",
                logDate: "2021-03-03T09:59:08Z"
            ),
            parsedFamily: .raccoon
        ),
        Layout(
            family: "Raccoon v2",
            source: malBeacon,
            path: "v/System Info.txt",
            text: """
                User ID: 9d592aaf-038b-4374-81e3-1b4b3f879370|nfaure
                Last seen: Thu Oct 10 2024 17:21:27 GMT+0200 (Central European Summer Time)
                Build: 66a7f4...98fb46
                IP info: FR 203.0.113.80
                System Information:
                    - Locale: French
                    - Time zone: +60 minutes from GMT
                    - OS: Windows 10 Home
                """,
            machine: ExpectedMachine(
                user: "nfaure",
                ip: "203.0.113.80",
                country: "FR",
                logDateRaw: "Thu Oct 10 2024 17:21:27 GMT+0200 (Central European Summer Time)",
                logDate: "2024-10-10T15:21:27Z"
            ),
            parsedFamily: .raccoon
        ),
        Layout(
            family: "Rhadamanthys",
            source: malBeacon,
            path: "v/system.txt",
            text: """
                Install Date: 09 Dec 23 00:33 UTC
                Traffic Name: 001FT-35
                HWID: 0A1B2C3D
                IP: 203.0.113.90
                Country: FR
                Time Zone: UTC+1
                OS: Windows 10 build 19045 (64 Bit)
                Computer Name: CLIN-LABO02
                User Name: vblanc
                Domain Name: CLINIQUE-EXEMPLE
                MachineID: 7f1e
                WallPaper Hash: 0123456789abcdef0123456789abcdef01234567
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-LABO02",
                user: "vblanc",
                ip: "203.0.113.90",
                country: "FR",
                logDateRaw: "09 Dec 23 00:33 UTC",
                logDate: "2023-12-09T00:33:00Z"
            ),
            parsedFamily: .rhadamanthys
        ),
        Layout(
            family: "Meduza",
            source: malBeacon,
            path: "v/UserInfo.txt",
            text: """
                HWID: BF72890FDDFA11EEB512345E6F6E6963E11C7EE3
                Log Date: 03-12-2024, 23:45:57
                Build Name: Oxoxox
                Country Code: FR
                User Name: egirard
                Computer Name: CLIN-PC0110
                Operation System: Windows 10 Home
                Time Zone: [UTC+1:00] Romance Standard Time
                IP: 198.51.100.110
                Execute Path: C:\\Users\\egirard\\AppData\\Local\\Temp\\9cb5ce.exe
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0110",
                user: "egirard",
                ip: "198.51.100.110",
                country: "FR",
                logDateRaw: "03-12-2024, 23:45:57",
                logDate: "2024-12-03T23:45:57Z"
            ),
            parsedFamily: .meduza
        ),
        Layout(
            family: "WhiteSnake",
            source: malBeacon + "; " + cyStack,
            path: "v/PC_info.txt",
            text: """
                🖥Computer info:
                System: Microsoft Windows 11 Pro (x64)
                User name: hmercier
                System time: 2026-01-19 10:41:07 PM
                CPU: Intel(R) Core(TM) i5-1035G1 CPU @ 1.00GHz
                HWID: 178BFBFF00A50F00

                🛡Security:
                Installed antivirus: Windows Defender.

                📡Whois:
                IP: 203.0.113.120
                Country: France [FR]
                City: Nantes
                """,
            machine: ExpectedMachine(
                user: "hmercier",
                ip: "203.0.113.120",
                country: "FR",
                logDateRaw: "2026-01-19 10:41:07 PM",
                logDate: "2026-01-19T22:41:07Z"
            ),
            parsedFamily: .whitesnake
        ),
        Layout(
            family: "Phemedrone",
            source: malBeacon,
            path: "v/Information.txt",
            text: """
                    ----- Geolocation Data -----

                IP:                      203.0.113.130
                Country:                 France (FR)
                City:
                MAC:                     52:54:00:E8:91:2E

                    ----- Hardware Info -----

                Username:                CLIN-PC0130\\dlambert
                Windows name:            Windows 10 Pro x64
                Hardware ID:             fce12345dbb464f8e31fb2bb1234f2c8

                    ----- Miscellaneous -----

                File Location:           C:\\Users\\dlambert\\Desktop\\x.exe
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0130", user: "dlambert", ip: "203.0.113.130", country: "FR"),
            parsedFamily: .phemedrone
        ),
        Layout(
            family: "CryptBot",
            source: malBeacon,
            path: "v/_Information.txt",
            text: """
                OS:                      Windows 10 Pro [ 64-bit ]
                Local Date and Time:     2024-12-29 05:37:17 [ UTC: (UTC+01:00) Paris ]
                UserName (ComputerName): afontaine (CLIN-PC0140)
                CPU:                     Intel(R) Core(TM)CPU @ 2.80GHz [ Cores: 4 ]
                RAM:                     16 Gb

                Software:
                7-Zip 23.01 (x64) [ 23.01 ]
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0140",
                user: "afontaine",
                logDateRaw: "2024-12-29 05:37:17 [ UTC: (UTC+01:00) Paris ]",
                logDate: "2024-12-29T05:37:17Z"
            ),
            parsedFamily: .cryptbot
        ),
        Layout(
            family: "Blank Grabber (systeminfo.exe)",
            source: malBeacon + "; " + cyStack,
            path: "v/System Info.txt",
            text: """
                Host Name:                 CLIN-PC0150
                OS Name:                   Microsoft Windows 10 Pro
                OS Version:                10.0.19045 N/A Build 19045
                Registered Owner:          rchevalier
                Registered Organization:
                Original Install Date:     5/19/2024, 6:34:35 AM
                System Boot Time:          5/19/2024, 8:19:06 AM
                Processor(s):              2 Processor(s) Installed.
                                           [01]: AMD64 Family 23 Model 113 Stepping 0 AuthenticAMD ~3500 Mhz
                Domain:                    CLINIQUE-EXEMPLE
                Logon Server:              \\\\DC01
                Hotfix(s):                 1 Hotfix(s) Installed.
                                           [01]: KB5031988
                Network Card(s):           1 NIC(s) Installed.
                                           [01]: Intel(R) 82574L Gigabit Network Connection
                                                 Connection Name: Ethernet0
                                                 IP address(es)
                                                 [01]: 10.20.30.40
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0150", user: "rchevalier"),
            parsedFamily: .systeminfo
        ),
        Layout(
            family: "ExelaStealer",
            source: malBeacon,
            path: "v/system_info.txt",
            text: """
                ----------------------https://t.me/ExampleExela----------------------
                ======================================================================
                System Info
                Host Name: CLIN-PC0160
                OS Name: Microsoft Windows 10 Pro
                Registered Owner: gbonnet
                Original Install Date: 2/14/2024, 4:38:00 PM
                Domain: WORKGROUP
                Logon Server: \\\\CLIN-PC0160
                System Version
                Microsoft Windows [Version 10.0.19044.1288]
                Host Name
                CLIN-PC0160
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0160", user: "gbonnet"),
            parsedFamily: .systeminfo
        ),
        Layout(
            family: "Aura Stealer",
            source: malBeacon + "; " + cyStack,
            path: "v/System.txt",
            text: """
                AURA v1.3.0

                HWID: ff146637-676d-48d6-9c27-673d29a0fb1d
                Launched at:
                   Local time: 2025-08-15 23:30:33
                   UTC time: 2025-08-15 18:00:33
                Location: C:\\Windows\\Microsoft.NET\\Framework\\v4.0.30319\\aspnet_wp.exe
                Run as Admin: No

                [System Info]
                   OS Name: Windows 10 Home Single Language
                   Install Date: Jan 12 2025 15:21:41
                   Time Zone: Europe/Paris UTC+01:00
                   Computer Name: CLIN-PC0170
                   User Name: jrobin

                [Hardware]
                   CPU: 12th Gen Intel(R) Core(TM) i5-12450HX (12 cores)
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0170",
                user: "jrobin",
                logDateRaw: "2025-08-15 23:30:33",
                logDate: "2025-08-15T23:30:33Z"
            )
        ),
        Layout(
            family: "MacSync",
            source: malBeacon + "; " + cyStack,
            path: "v/Information.txt",
            text: """
                Build Tag: Pablo
                Version: 1.1.2_release (x64_86 & ARM)
                IP: 198.51.100.180
                Username: cmasson
                Password: not-a-finding-here
                Software:

                    System Software Overview:

                      System Version: macOS 15.7.3 (24G419)
                      Kernel Version: Darwin 24.6.0
                      Computer Name: MacBook de Claire
                      User Name: Claire Masson (cmasson)

                Hardware:

                    Hardware Overview:

                      Model Name: MacBook Pro
                      Hardware UUID: 51AFC184-48C9-5643-BBFF-D2B806447E8C
                """,
            machine: ExpectedMachine(hostname: "MacBook de Claire", user: "cmasson", ip: "198.51.100.180")
        ),
        Layout(
            family: "Atomic (AMOS)",
            source: malBeacon + "; " + cyStack,
            path: "v/UserInformation.txt",
            text: """
                MetaMask Info:
                Seeds:
                Private Keys:


                Userinfo:
                Country: FR
                IP: 198.51.100.190/284629518
                City: Bordeaux
                ProductName:        macOS
                ProductVersion:     14.6
                BuildVersion:       23G5075b

                Hardware:

                    Hardware Overview:

                      Model Name: MacBook Pro
                      Hardware UUID: 10F94688-D5E6-54BC-9437-BE147FF22A0E
                """,
            machine: ExpectedMachine(ip: "198.51.100.190", country: "FR"),
            parsedFamily: .atomic
        ),
        Layout(
            family: "Banshee",
            source: malBeacon,
            path: "v/system_information.txt",
            text: """
                HWID: C9D18A2E-EDA4-5A7A-AB7E-XDNCCLAU35VS
                Log Date: 03 September 2024 00:17:30
                Build Name: bzPg7NGR1bFjBDl3Sjz9c1C03C2I89
                Country Code: FR
                User Name: Paul Roussel (proussel)
                Computer Name: Paul’s MacBook Air (2)
                Operation System: macOS 12.6.6 (21G646)
                IP: 198.51.100.200
                """,
            machine: ExpectedMachine(
                hostname: "Paul’s MacBook Air (2)",
                user: "proussel",
                ip: "198.51.100.200",
                country: "FR",
                logDateRaw: "03 September 2024 00:17:30",
                logDate: "2024-09-03T00:17:30Z"
            )
        ),
        Layout(
            family: "Astris",
            source: malBeacon,
            path: "v/Information.txt",
            text: """
                [General]
                 Build: recaptcha-verify (1.0.0)
                 HWID: 0A256AD07967582CD5A08537A6C57941
                 Date: 10/18/2024 1:51:06 PM

                [Machine]
                 Computer Name: CLIN-PC0210
                 User Name: bguerin
                 System: Windows 10 Pro [x64]

                [Geolocation]
                 Country: France (FR)
                 Location: Rennes, Bretagne
                 Zip Code:

                [Network]
                 Public IP Address: 203.0.113.210
                 Private IP Address: 10.0.0.3
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0210",
                user: "bguerin",
                ip: "203.0.113.210",
                country: "FR",
                logDateRaw: "10/18/2024 1:51:06 PM",
                logDate: "2024-10-18T13:51:06Z"
            )
        ),
        Layout(
            family: "DarkCrystal RAT",
            source: malBeacon,
            path: "v/Information [FR, Marseille].txt",
            text: """
                PC Name: CLIN-PC0220
                User Name: lnicolas
                Windows: Windows 10 Pro 64 Bit
                CPU Name: Unknown (Unknown)
                LANIP: Unknown

                .NET Framework Version: 4.8+
                Path: C:\\Program Files\\WinRAR\\System.exe

                IP: 203.0.113.220
                City: Provence / Marseille
                Country: FR / France
                Location: 43.29 / 5.37

                Monitors:
                Unknown

                Save Time: 29.12.2024 23:51
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0220",
                user: "lnicolas",
                ip: "203.0.113.220",
                country: "FR",
                logDateRaw: "29.12.2024 23:51",
                logDate: "2024-12-29T23:51:00Z"
            )
        ),
        Layout(
            family: "LucaStealer",
            source: malBeacon,
            path: "v/user_info.txt",
            text: """
                - IP Info -

                IP: 203.0.113.230
                Country: France
                City: Lille
                Timezone: +01:00

                - PC Info -

                OS: Microsoft Windows 10 Pro
                HWID: Unknown
                FileLocation: C:\\Users\\x\\Desktop\\Cryptor.exe

                - Log Info -

                Passwords: ✅ 1
                Wallets: ❌
                """,
            machine: ExpectedMachine(ip: "203.0.113.230", country: "France")
        ),
        Layout(
            family: "MassLogger / PrivateLogger",
            source: malBeacon,
            path: "v/Information.txt",
            text: """
                ***********************************************************
                *      Best               | |  / _ \\ / __|/ __| __| _ \\   *
                *      Private  - - - ->  |____\\___/ \\___|\\___|___|_|_\\   *
                ***********************************************************


                ==========PC INFO==========
                Client Name:CLIN-PC0240
                FullDate: 09/13/2025 - 3:35:14 AM
                IP: 203.0.113.240
                Country: France
                ==========PC INFO==========
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0240",
                ip: "203.0.113.240",
                country: "France",
                logDateRaw: "09/13/2025 - 3:35:14 AM",
                logDate: "2025-09-13T03:35:14Z"
            )
        ),
        Layout(
            family: "Noxty",
            source: malBeacon,
            path: "v/identification.txt",
            text: """
                            User: fperrin
                            Operating System: Microsoft Windows 10 Pro   10.0.17134
                            Process Executable Path: C:\\Users\\fperrin\\AppData\\Local\\Temp\\x\\svc.exe

                            Uptime: 1 hours, 12 minutes, 35 seconds
                            Serial Number: 00330-80000-00000-AA154

                            IP: 203.0.113.250
                            Country: France
                            City: Toulouse
                            Timezone: Europe/Paris
                """,
            machine: ExpectedMachine(user: "fperrin", ip: "203.0.113.250", country: "France")
        ),
        Layout(
            family: "PhantomStealer",
            source: malBeacon,
            path: "v/Information.txt",
            text: """

                😹 *Phantom stealer v3.5.0 - Report:*
                ━━━━━━━━━━━━━━━━━━━━━━
                📅 Date: 2025-10-13 1:49:05 PM
                🖥️ System: Microsoft Windows 10 Pro (64 Bit)
                👤 Username: jlefevre
                💻 CompName: CLIN-PC0260
                🌐 Language: 🇫🇷 fr-FR
                🛡️ Antivirus: Not installed

                *NETWORK INFORMATION*
                ━━━━━━━━━━━━━━━━━━━━━━
                🌐 Gateway IP: 192.168.0.1
                🔒 Internal IP: 192.168.0.124
                🌍 External IP: 198.51.100.26

                *INSTALLATION STATUS*
                ━━━━━━━━━━━━━━━━━━━━━━
                   ∟ ⛔ Startup: Disabled
                   ∟ ✅ Keylogger: Enabled

                 Telegram contact https://t.me/example_phantom
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0260",
                user: "jlefevre",
                ip: "198.51.100.26",
                logDateRaw: "2025-10-13 1:49:05 PM",
                logDate: "2025-10-13T13:49:05Z"
            )
        ),
        Layout(
            family: "Predator The Thief v3",
            source: malBeacon,
            path: "v/Information.txt",
            text: """
                Predator The Thief : v3.0.0 Release
                -----------------------------
                Buy Predator at t.me/example_shop
                Launch time: Mon Jan 13 04:21:34 2025
                Passwords: 0
                Cookies: 33
                User name: mgauthier
                Machine name: CLIN-PC0270
                OS version: Windows 10 Enterprise x64
                Current clipboard:
                --------------
                Installed applications:
                1) chrome_url_fetcher_3656_13444481
                2) Common Files
                Compile time: Oct 13 2018
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0270",
                user: "mgauthier",
                logDateRaw: "Mon Jan 13 04:21:34 2025",
                logDate: "2025-01-13T04:21:34Z"
            )
        ),
        Layout(
            family: "RL Stealer",
            source: malBeacon + "; " + cyStack,
            path: "v/Information.txt",
            text: """
                 ==================================================
                 Operating system : Windows Server 2022 Datacenter (64 Bit)
                 PC user : CLIN-SRV02/ochevallier
                 Launch : C:\\Users\\ochevallier\\Pictures\\rdp.exe
                 ==================================================
                 Current time : 5/22/2023 5:28:14 PM
                 HWID : 178BFBFF000406F1
                 ==================================================
                 IP Geolocation : 203.0.113.28 [France]
                 Log Date : 05/22/2023 5:28
                 ==================================================
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-SRV02",
                user: "ochevallier",
                ip: "203.0.113.28",
                country: "France",
                logDateRaw: "05/22/2023 5:28",
                logDate: "2023-05-22T05:28:00Z"
            )
        ),
        Layout(
            family: "Skalka",
            source: malBeacon,
            path: "v/UserInformation.txt",
            text: """
                Operation System: win10-amd64
                Current JarFile Path: C:/Users/ppicard/AppData/Local/Temp/svchost.jar
                UserName: ppicard
                IP: 203.0.113.29
                TimeZone: 2024-09-29T02:31:56.696+03:00 [Europe/Paris]
                Language & Country: fr_FR
                """,
            machine: ExpectedMachine(user: "ppicard", ip: "203.0.113.29")
        ),
        Layout(
            family: "Stealerium",
            source: malBeacon,
            path: "v/Info.txt",
            text: """
                [IP]
                External IP: 198.51.100.31
                Internal IP: 10.0.2.15
                Gateway IP: 10.0.2.2

                [Machine]
                Username: ymarchand
                Compname: CLIN-PC0310
                System: Microsoft Windows 10 Pro (64 Bit)
                DATE: 2024-12-25 7:27:19 AM
                SCREEN: 1920x1080

                [Virtualization]
                VirtualMachine: False
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0310",
                user: "ymarchand",
                ip: "198.51.100.31",
                logDateRaw: "2024-12-25 7:27:19 AM",
                logDate: "2024-12-25T07:27:19Z"
            )
        ),
        Layout(
            family: "XFiles",
            source: malBeacon + "; " + cyStack,
            path: "v/Information.txt",
            text: """
                Operation ID: 3a0e18ea-e2d2-d347-981f-8d27f710ba3e

                IP: 198.51.100.32
                Country: FR (France)
                Operating System: Windows 10
                Username: adupuis
                Computer Name: CLIN-PC0320
                Hardware ID: 5E30421F690DE01B6E6014007152B83109C02F65
                CPU (Processor): Intel(R) Core(TM) i5-4670 CPU @ 3.40GHz

                Windows Processes [
                   System
                ]
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0320", user: "adupuis", ip: "198.51.100.32", country: "FR")
        ),
        Layout(
            family: "Ailurophile",
            source: malBeacon + "; " + cyStack,
            path: "v/info.txt",
            text: """
                IP: 198.51.100.33
                Country: France
                Hostname: CLIN-PC0330
                PC Type: Microsoft Windows 10 Pro
                Architecture: amd64
                File Path: C:\\Users\\x\\AppData\\Local\\Temp
                Browsers:
                Chrome Default - version: 131.0
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0330", ip: "198.51.100.33", country: "France")
        ),
        Layout(
            family: "Unidentified (lower-case hostname twice)",
            source: malBeacon + " (TO BE IDENTIFIED, first sample)",
            path: "v/Information.txt",
            text: """
                Username: emeyer
                Computer name: CLIN-PC0340
                OS: Windows 10.0.19044 (Workstation)
                Language: ["fr-FR"]
                Hostname: clin-pc0340
                IP: 198.51.100.34
                Country: France
                City: Strasbourg
                Timezone:Europe/Paris
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0340", user: "emeyer", ip: "198.51.100.34", country: "France")
        ),
        Layout(
            family: "Unidentified (ipinfo JSON and ipconfig dump)",
            source: malBeacon + " (TO BE IDENTIFIED, second sample)",
            path: "v/System_Info.txt",
            text: """
                Environment INFO
                -----------------------------
                CLIN-PC0350
                Microsoft Windows NT 6.2.9200.0
                IP INFO
                "ip": "198.51.100.35",
                "hostname": "35.100.51.198.example.net",
                "city": "Brest",
                "country": "FR",
                "timezone": "Europe/Paris",
                GPU INFO
                Microsoft Basic Display Adapter,
                IPCONFIG
                Windows IP Configuration
                Host Name . . . . . . . . . . . . : CLIN-PC0350
                Primary Dns Suffix . . . . . . . :
                IPv4 Address. . . . . . . . . . . : 172.16.1.4(Preferred)
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0350", ip: "198.51.100.35", country: "FR")
        ),
        Layout(
            family: "CSWmicDumpStealer",
            source: cyStack + " families/cs_wmic_dump_stealer",
            path: "01_ab_198.51.100.36_01-01-26/system_info.txt",
            text: """
                === SYSTEM INFORMATION ===

                cpu_cores: 12
                motherboard_info: Manufacturer  Product         SerialNumber     Version

                JGINYUE       X99M-G D3/ARGB  MB-202412042024  V2.0
                os_build: Microsoft Windows [Version 10.0.19045.6456]
                public_ip: 198.51.100.36
                computer_name: CLIN-PC0360
                user_domain: CLIN-PC0360
                os: Windows
                username: tgirard
                network_config_full:
                Windows IP Configuration

                   Host Name . . . . . . . . . . . . : CLIN-PC0360
                   Node Type . . . . . . . . . . . . : Hybrid
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0360", user: "tgirard", ip: "198.51.100.36")
        ),
        Layout(
            family: "Arcane (WMI sections)",
            source: cyStack + " families/arcane",
            path: "v/information.txt",
            text: """
                ---User Info---
                Worker: %Worker%
                Date Install: 29/05/2025 10:00
                External IP: 198.51.100.37
                Internal IP: 10.1.2.3
                ---Full Pc Info---
                === CPU Information ===
                MaxClockSpeed: 2100
                Name: 13th Gen Intel(R) Core(TM) i7-13700HX
                === Disk Information ===
                Model: SAMSUNG MZVL21T0HDLU-00BH1
                === Network Adapter Information ===
                Name: Intel(R) Wi-Fi 6E AX211 160MHz
                === Computer System Information ===
                Manufacturer: HP
                Model: HP ZBook Fury 16 G10 Mobile Workstation PC
                Name: CLIN-PC0370
                NumberOfLogicalProcessors: 24
                === User Account Information ===
                FullName:
                Name: Administrator
                === Logical Processes Information ===
                Description: System Idle Process
                Name: System Idle Process
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0370", ip: "198.51.100.37")
        ),
        Layout(
            family: "CSBabaCloudStealer",
            source: cyStack + " families/cs-baba-cloud-stealer",
            path: "v/System_Info.txt",
            text: """
                <<SECRET>>
                <    Public Logs Channel   :   @Example_Log  .    >
                <          Admin : @Example_Admin       .             >
                <        https://t.me/Example_Admin       .           >

                IP : 198.51.100.38
                Country : FR
                Date : 28/05/2026
                Time : 17:18:26

                MachineID : 0A1B
                HWID : 0A1B2C
                Windows : Windows 10 Pro 22H2 (Build 19045)
                Computer Name : CLIN-PC0380
                User Name : mcarpentier
                Display Resolution : 1536x864

                --- [ Hardware ] ---
                Processor : Intel(R) Core(TM) i5-4300M CPU @ 2.60GHz
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0380",
                user: "mcarpentier",
                ip: "198.51.100.38",
                country: "FR",
                logDateRaw: "28/05/2026",
                logDate: "2026-05-28"
            )
        ),
        Layout(
            family: "CSEmojiInfoStealer",
            source: cyStack + " families/cs-emoji-info-stealer",
            path: "v/Information.txt",
            text: """
                🖥️ User: sdumont
                🌐 IP: 198.51.100.39
                📋 OS Name: Windows-10-10.0.19045-SP0

                🍪 Cookies: 12
                🔒 Passwords: 3
                📁 Other applications:
                Discord, Telegram
                """,
            machine: ExpectedMachine(user: "sdumont", ip: "198.51.100.39")
        ),
        Layout(
            family: "CSBugattiPCInfoStealer",
            source: cyStack + " families/cs-bugatti-pc-info-stealer",
            path: "v/pc_info.txt",
            text: """


                IP: 198.51.100.41
                Country: FR
                HWID: 0A1B2C
                OS: Windows 10
                Architecture: x64
                UserName: rlemaire
                Computer Name: CLIN-PC0410
                Local Time: 26.06.2026 23:00:04
                GPU:
                \tNVIDIA GeForce RTX 2060 SUPER
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0410",
                user: "rlemaire",
                ip: "198.51.100.41",
                country: "FR",
                logDateRaw: "26.06.2026 23:00:04",
                logDate: "2026-06-26T23:00:04Z"
            )
        ),
        Layout(
            family: "CSHostHwidStealer",
            source: cyStack + " families/cs-host-hwid-stealer",
            path: "v/UserInfo.txt",
            text: """
                IP: 198.51.100.42
                Country: FR
                City: Metz
                HWID: 0A1B2C
                OS: Windows 11 (Build 26100) Server
                Username: cbrun
                Hostname: CLIN-PC0420
                Language: fr

                --- Installed Software ---
                  Microsoft OneDrive
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0420", user: "cbrun", ip: "198.51.100.42", country: "FR")
        ),
        Layout(
            family: "CSLcidBracketStealer",
            source: cyStack + " families/cs-lcid-bracket-stealer",
            path: "v/UserInformation.txt",
            text: """
                Computer: CLIN-PC0430
                User: aroy
                IP: 198.51.100.43
                OS: Windows 11 (Build 22621)
                Language: French (France) [0x040C]
                Path: C:\\Users\\aroy\\x.exe
                AV: None detected
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0430", user: "aroy", ip: "198.51.100.43")
        ),
        Layout(
            family: "CSGeoSysInfoStealer",
            source: cyStack + " families/cs-geo-sys-info-stealer",
            path: "v/System.txt",
            text: """
                === SYSTEM INFO ===

                Computer: CLIN-PC0440
                User: lcolin
                OS: Windows 10/11
                IP: 198.51.100.44
                Country: The Netherlands (NL)
                CPU:
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0440", user: "lcolin", ip: "198.51.100.44", country: "NL")
        ),
        Layout(
            family: "Acreed (Arhont re-pack)",
            source: cyStack + " families/acreed",
            path: "v/pc_info.txt",
            text: """
                Re-Uploads Private Logs and ULPs /// t.me/ExampleCorp

                t.me/ExampleCorp
                t.me/ExampleCorp

                💎Buy: t.me/ExampleSupport

                ❗️Actual Link: https://linktr.ee/ExampleCloud




                PcName: CLIN-PC0450
                Os: Windows 10
                Ip: 198.51.100.45
                Country: FR
                LocalTime: null
                UserName: vlegrand
                Domain: CLIN-PC0450
                Hwid: 0A1B2C
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0450", user: "vlegrand", ip: "198.51.100.45", country: "FR")
        ),
        Layout(
            family: "Antarctida Stealer",
            source: cyStack + " families/antarctida-stealer",
            path: "v/Information.txt",
            text: """
                ❄ Antarctida Stealer ❄

                • OS: Windows 10
                • CPU: Intel(R) Core(TM) i5-4460  CPU @ 3.20GHz
                • IP: 198.51.100.46
                • Username: jgarcia
                • Computer Name: CLIN-PC0460
                • System Directory: C:\\Windows\\system32
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0460", user: "jgarcia", ip: "198.51.100.46")
        ),
        Layout(
            family: "Bee Stealer",
            source: cyStack + " families/bee-stealer",
            path: "v/UserInfo.txt",
            text: """
                              _   _\t |
                             ( | / )\t |
                Bee stealer    <\\\\\t |
                ----------------------------
                os: Windows 10 Pro
                time-zone: UTC+1
                local-date: 14.7.2026 2:22
                language: fr-FR
                computer-name: CLIN-PC0470
                netbios: CLIN-PC0470
                hostname: CLIN-PC0470
                user-name: mfrancois
                domain:
                cpu-cores: 16

                Ip: 198.51.100.47
                Country: France
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0470",
                user: "mfrancois",
                ip: "198.51.100.47",
                country: "France",
                logDateRaw: "14.7.2026 2:22",
                logDate: "2026-07-14T02:22:00Z"
            )
        ),
        Layout(
            family: "Category Stealer (RedLine banner)",
            source: cyStack + " families/category-stealer",
            path: "v/Information.txt",
            text: """
                ***********************************************
                *   ____  _____ ____  _     ___ _   _ _____   *
                *  |  _ \\| ____|  _ \\| |   |_ _| \\ | | ____|  *
                ***********************************************
                *           New subscribers here:             *
                *           https://example.test              *
                ***********************************************


                Username:      hclement
                HWID: 0A1B2C
                IP: 198.51.100.48
                Country:       FR
                OS:            Windows 10.0.22631 (Workstation) Windows 10 Pro (Build 22631)
                Local Time:    2026-04-26 17:47:45
                Timezone:      UTC+1
                """,
            machine: ExpectedMachine(
                user: "hclement",
                ip: "198.51.100.48",
                country: "FR",
                logDateRaw: "2026-04-26 17:47:45",
                logDate: "2026-04-26T17:47:45Z"
            )
        ),
        Layout(
            family: "CSDataMonkStealer",
            source: cyStack + " families/cs-data-monk-stealer",
            path: "v/SystemInfo.txt",
            text: """
                === System Information ===
                Build: saif
                IP: 198.51.100.49
                HWID: 0A1B2C
                OS: Windows 10 Pro Education
                Computer Name: CLIN-PC0490
                Drives: C:\\
                Monitors: 1

                Monitor 1:
                  Name: Generic PnP Monitor
                  Resolution: 1366x768
                ==========================
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0490", ip: "198.51.100.49")
        ),
        Layout(
            family: "CSDarkSideCloudStealer (Vidar re-pack)",
            source: cyStack + " families/cs-dark-side-cloud-stealer",
            path: "v/information.txt",
            text: """
                ===DARKSIDE_BRAND_BEGIN===
                | D Join: https://t.me/+example                                   D |
                | A DARKSIDE PRIVATE CLOUD - Private Monthly Packs                 A |
                ===DARKSIDE_BRAND_END===

                - WHERE BUY THE BEST INSTALLS ??

                **************************************************

                IP: 198.51.100.50
                Country: FR

                Date: 26.05.2026 02:04:50
                MachineID: 0A1B
                HWID: 0A1B2C

                Windows: Windows 10 Pro 22H2 (Build 19045)
                Computer Name: CLIN-PC0500
                User Name: rduval
                Local Time: 26.05.2026 02:04:50

                [Processes]
                  [4] System
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0500",
                user: "rduval",
                ip: "198.51.100.50",
                country: "FR",
                logDateRaw: "26.05.2026 02:04:50",
                logDate: "2026-05-26T02:04:50Z"
            )
        ),
        Layout(
            family: "CSFateTrafficInfoStealer",
            source: cyStack + " families/cs-fate-traffic-info-stealer",
            path: "v/Info.txt",
            text: """
                Build Date: May 12 2026
                Configuration:
                Execution Path: C:\\Users\\nrey\\AppData\\Local\\Temp\\0bdaade835.exe
                Elevated: Yes
                Computer Name: CLIN-PC0510
                User Name: nrey
                User Language: fr-FR
                Netbios: CLIN-PC0510
                Operation System: Windows 7 Ultimate  6.1.0 (x64)
                Install Date: 02.11.2022 03:46:34
                System Date: 07.11.2022 18:30:55
                Time Zone: UTC+1
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0510",
                user: "nrey",
                logDateRaw: "07.11.2022 18:30:55",
                logDate: "2022-11-07T18:30:55Z"
            )
        ),
        Layout(
            family: "CSHunterCloudStealer",
            source: cyStack + " families/cs-hunter-cloud-stealer",
            path: "v/Information.txt",
            text: """
                ────────────────────────────────────────────────────────────

                                          H U N T E R   C L O U D

                💵 1 Week: 50$ 💵
                ⚡Join: https://t.me/EXAMPLE_CLOUD
                🏪 Support: @EXAMPLE_CLOUDS 🖤

                ────────────────────────────────────────────────────────────

                Category: User

                OS:            Windows 10.0.22621 (Workstation) Windows 10 Pro (Build 22621)
                Language:      fr-FR
                Local Time:    2026-07-03 00:58:23
                UTC Time:      2026-07-02 22:58:23 UTC
                Timezone:      UTC+2
                """,
            machine: ExpectedMachine(logDateRaw: "2026-07-03 00:58:23", logDate: "2026-07-03T00:58:23Z")
        ),
        Layout(
            family: "CSLogsTesterStealer (Vidar re-pack)",
            source: cyStack + " families/cs-logs-tester-stealer",
            path: "v/information.txt",
            text: """
                @exampletester

                Ip: 198.51.100.52
                Country: FR

                Date: 24.06.2026 14:24:09
                MachineID: 0A1B
                HWID: 0A1B2C

                Path: C:\\Windows\\SysWOW32\\install.exe
                Work Dir: Admin @examplelead

                Windows: Windows 10 Home 22H2 (Build 19045)
                Computer Name: CLIN-PC0520
                User Name: gfleury
                Local Time: 24.06.2026 14:24:10
                """,
            machine: ExpectedMachine(
                hostname: "CLIN-PC0520",
                user: "gfleury",
                ip: "198.51.100.52",
                country: "FR",
                logDateRaw: "24.06.2026 14:24:09",
                logDate: "2026-06-24T14:24:09Z"
            ),
            parsedFamily: .vidar
        ),
        Layout(
            family: "PXA Stealer",
            source: cyStack + " families/pxa_stealer",
            path: "v/System.txt",
            text: """
                IP: 198.51.100.53
                Country: 🇧🇷 BR - Brazil
                User: rsouza
                AntiVirus: Windows Defender
                Data Information: CK:16204|PW:650|AF:9749|CC:1|TK:37|FB:9|Sites:25|Wallets:3|Apps:0
                """,
            machine: ExpectedMachine(user: "rsouza", ip: "198.51.100.53", country: "BR")
        ),
        Layout(
            family: "CSBareUsernameAVStealer (PXA shape)",
            source: cyStack + " families/cs-bare-username-av-stealer",
            path: "[FR]198.51.100.54/System.txt",
            text: """
                IP: 198.51.100.54
                Username: kperret[CLIN-PC0540]
                AntiVirus: Windows Defender
                """,
            machine: ExpectedMachine(hostname: "CLIN-PC0540", user: "kperret", ip: "198.51.100.54")
        ),
        Layout(
            family: "CSBrowersStealer",
            source: cyStack + " families/cs-browers-stealer",
            path: "v/Information.txt",
            text: """
                Ip: 198.51.100.55
                Country: 🇧🇦 BA - Bosnia and Herzegovina
                Username: dhadzic
                Antivirus: Windows Defender
                Browers: CK:4844|PW:31|AF:1033|CC:0|GG:3|TT:2|FB:0|HOST:CLIN-PC0550
                """,
            machine: ExpectedMachine(user: "dhadzic", ip: "198.51.100.55", country: "BA")
        ),
        Layout(
            family: "CSFlatRemusStealer",
            source: cyStack + " families/cs-flat-remus-stealer",
            path: "v/Info.txt",
            text: """
                Re-Uploads Private Logs and ULPs /// t.me/ExampleCorp

                💎Buy: t.me/ExampleSupport

                date: 16.04.2026
                path: C:\\Users\\x\\AppData\\Local\\Temp\\x.exe
                country: FR
                os:
                version: Windows 10 Enterprise (10.0.19045) x64
                language: fr-FR
                domain:
                """,
            machine: ExpectedMachine(country: "FR", logDateRaw: "16.04.2026", logDate: "2026-04-16")
        ),
        Layout(
            family: "CSMacKeychainPassStealer",
            source: cyStack + " families/cs-mac-keychain-pass-stealer",
            path: "v/UserInformation.txt",
            text: """
                IP: 198.51.100.57

                Username: amartin
                Password: not-a-finding-here

                Software:

                    System Software Overview:

                      System Version: macOS 26.3.1 (a) (25D771280a)
                      Computer Name: MacBook-Air-de-Alice
                      User Name: Alice Martin (amartin)
                """,
            machine: ExpectedMachine(hostname: "MacBook-Air-de-Alice", user: "amartin", ip: "198.51.100.57")
        ),
    ]
}
