"""Fictional stealer-log material shared by Samples/generate.py and Benchmarks/gen_corpus.py.

Everything here is invented. Filler hosts live under reserved names (.example, .test,
example.com/.net/.org), IP addresses come from the documentation ranges (RFC 5737), and people
are random pairs of common French first and last names. Only the organisation's own hosts
(clinique-exemple.fr and friends) are the fictional names the project uses throughout.

The file layouts follow /work/shared/reference/stealer-logs.md: labels, separators, banners and
system-information templates per family (RedLine, META, Lumma, StealC, Vidar), Netscape cookie
files, and the ULP line forms of combolists.

Python 3 standard library only. Every function takes an explicit random.Random, so that a
fixed seed gives byte-identical output.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import gzip
import io
import tarfile
import unicodedata
import zipfile
from array import array
from dataclasses import dataclass, field

# ---------------------------------------------------------------------------------------------
# Fictional vocabulary
# ---------------------------------------------------------------------------------------------

FIRST_NAMES = (
    "Adèle Agathe Alain Alexandre Alice Amélie Anaïs André Anne Antoine Arthur Aurélie Baptiste "
    "Benoît Bernard Camille Candice Carole Cécile Céline Charles Charlotte Chloé Christophe Claire "
    "Clément Colette Damien Daniel David Denis Didier Dominique Édouard Élise Élodie Émile Emma "
    "Éric Estelle Étienne Fabien Fabrice Florence Francis François Frédéric Gabriel Gaël Gaëlle "
    "Geneviève Georges Gérard Gilles Grégoire Guillaume Hélène Henri Hugo Inès Isabelle Jacques "
    "Jean Jeanne Jérôme Joël Josiane Julie Julien Juliette Justine Karine Laetitia Laura Laurent "
    "Léa Léon Léonie Lina Loïc Louis Louise Luc Lucas Lucie Lydie Madeleine Manon Marc Margaux "
    "Marie Marine Martin Mathieu Mathilde Maxime Mélanie Michel Monique Morgane Nathalie Nicolas "
    "Noémie Océane Olivier Pascal Patrice Patrick Paul Pauline Philippe Pierre Rachel Raphaël "
    "Régis Rémi Renée Richard Robert Romain Rose Sabine Samuel Sandrine Sarah Sébastien Serge "
    "Simone Solène Sophie Stéphane Suzanne Sylvie Théo Thérèse Thibault Thomas Valérie Victor "
    "Vincent Virginie Xavier Yann Yves Zoé"
).split()

LAST_NAMES = (
    "Adam Andre Arnaud Aubert Bailly Barbier Baron Bertin Bertrand Blanc Blanchard Bonnet Bouchet "
    "Boucher Bourgeois Boyer Brun Brunet Caron Carpentier Carré Charles Charpentier Chevalier "
    "Clément Colin Collet Cordier Cousin Da-Silva Daniel David Denis Deschamps Dubois Dufour "
    "Dumas Dumont Dupont Dupuis Durand Duval Émond Étienne Faure Fabre Fernandez Fleury Fontaine "
    "Fournier François Gaillard Garnier Gauthier Gautier Gérard Germain Gilbert Gillet Girard "
    "Giraud Guérin Guillaume Guillot Hamel Henry Hoarau Huet Hubert Jacob Jacquet Jean Joly "
    "Julien Klein Labbé Lacroix Lambert Laurent Leblanc Lebrun Leclerc Lecomte Lefèbvre Lefèvre "
    "Legrand Lemaire Lemoine Leroux Leroy Lucas Maillard Marchand Marie Martin Martinez Masson "
    "Mathieu Menard Mercier Meunier Meyer Michel Moreau Morel Morin Moulin Muller Nicolas Noël "
    "Olivier Paris Perret Perrin Petit Philippe Picard Pierre Poirier Poulain Prévost Renard "
    "Renaud Rey Richard Rivière Robert Robin Roche Rolland Rousseau Roussel Roux Roy Royer "
    "Schmitt Simon Tessier Thomas Vasseur Vidal Vincent Weber"
).split()

# Nouns for fictional site names (ASCII, so that hosts need no IDN).
WORDS = (
    "abeille abricot agence albatros ancre arbre ardoise argile atelier atlas aube avion "
    "balcon baleine bambou banane barque bazar berger bijou biscuit bleuet bocal bois bonbon "
    "bouquet boussole brioche brume cabane cactus caillou calme campagne canard canoe capucine "
    "caramel carnet carotte castor cerise chalet chameau chardon chemin chene citron clairiere "
    "colibri comete compas coquille corail cosmos coton craie crayon cygne dauphin delta diamant "
    "domino dune ecureuil eglantine encre epice erable escargot etoile falaise fanfare faucon "
    "fenouil feuille figue flamant flocon foret fourmi framboise galet gazelle genet girafe "
    "glacier gland grenade grenier griotte guepe herisson hibou horizon houblon iris jardin "
    "jasmin jonquille kiwi lagune lampion lavande lierre lilas limon lion loutre lune luciole "
    "madrier magnolia marron mascotte melodie menthe meteore miel mimosa mirabelle moineau "
    "montagne mouette muguet myrtille nacre narval nenuphar noisette nuage oasis olive orage "
    "orchidee origami ours palmier panda papillon paquebot pastel pelican perle peuplier phare "
    "pigeon pinson pirogue planete plume poivre pollen pomme prairie prune puzzle quartz radis "
    "raisin renard riviere roseau rubis sable safran sapin saule savane semaphore sequoia sirop "
    "soleil sorbet source sureau tambour tilleul tipi tomate tortue toucan trefle tulipe "
    "vallee vanille verger violette volcan wagon yaourt zebre zephyr"
).split()

TOPICS = (
    "velo jardin cuisine voyage musique photo cinema lecture rando peche bricolage couture "
    "echecs astronomie theatre danse poterie vin fromage montagne plongee"
).split()

# Subdomain labels for filler hosts. Never mail/webmail/owa/citrix/mychart: shipped pattern
# packs treat those prefixes as remote-access or mail portals.
SUBDOMAINS = ("www", "compte", "login", "auth", "secure", "app", "m", "shop", "forum", "id", "espace", "portal")

FILLER_SUFFIXES = ("example", "test", "example.com", "example.net", "example.org")

# Login paths for filler URLs. None of them is a path a shipped pattern matches
# (/remote/login, /vpn/, /owa/, /Citrix/, /logon/, /dana-na/, /global-protect/, /mediboard…).
PATHS = (
    "/", "/login", "/connexion", "/account/login", "/signin", "/auth/login", "/compte",
    "/membres/login.php", "/wp-login.php", "/user/login", "/session/new", "/identification",
    "/espace-client", "/mon-compte", "/login.html", "/accounts/login/", "/fr/connexion",
)

PORTS = (8080, 8443, 10443, 3000, 8000, 9443, 4443, 2083)

# Personal mail domains of fictional people (never the organisation's).
MAIL_DOMAINS = ("boite.example", "courriel.test", "post.test", "mel.example", "lettre.example")

BROWSERS = (
    # (RedLine application label, Lumma SOFT label, StealC browser, Vidar Soft, cookie file stem)
    ("Google_[Chrome]_Default", "Chrome Default (131.0.6778.86)", "Google Chrome", "Google Chrome [Default]", "Chrome"),
    ("Microsoft_[Edge]_Default", "Edge Default (130.0.2849.80)", "Microsoft Edge", "Microsoft Edge [Default]", "Edge"),
    ("Mozilla_[Firefox]_x8k2m1qz.default-release", "Firefox Default (132.0.1)", "Mozilla Firefox",
     "Mozilla Firefox [Default]", "Firefox"),
)

# Documentation address blocks (RFC 5737).
IP_BLOCKS = ("192.0.2", "198.51.100", "203.0.113")

ADVERT = "t.me/ExempleCloudLogs"  # A made-up Telegram channel: banners name one.


def ascii_fold(text: str) -> str:
    """Drops accents (é → e), as AD administrators do when they derive logins from names."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def login_part(name: str) -> str:
    """A name as it appears in a login: folded, lower-case, without spaces or apostrophes."""
    return ascii_fold(name).lower().replace(" ", "").replace("'", "")


def hex_id(rng, length: int) -> str:
    return "".join(rng.choice("0123456789ABCDEF") for _ in range(length))


def doc_ip(rng) -> str:
    return f"{rng.choice(IP_BLOCKS)}.{rng.randint(1, 254)}"


def filetime(moment: dt.datetime) -> int:
    """Active Directory FILETIME: 100 ns intervals since 1601-01-01 UTC (as `pwdLastSet` is exported)."""
    epoch = dt.datetime(1601, 1, 1, tzinfo=dt.timezone.utc)
    delta = moment - epoch
    return (delta.days * 86_400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


# ---------------------------------------------------------------------------------------------
# Accounts (Active Directory export)
# ---------------------------------------------------------------------------------------------

ACCOUNT_COLUMNS = (
    "sAMAccountName", "userPrincipalName", "mail", "proxyAddresses", "Enabled", "displayName",
    "department", "pwdLastSet",
)


@dataclass
class Account:
    sam: str
    upn: str
    mail: str
    aliases: list[str]
    enabled: bool
    display_name: str
    department: str
    password_last_set: int  # FILETIME; 0 = "must change at next logon"

    def row(self) -> list[str]:
        proxies = ";".join([f"SMTP:{self.mail}"] + [f"smtp:{alias}" for alias in self.aliases]) if self.mail else ""
        return [
            self.sam, self.upn, self.mail, proxies, "True" if self.enabled else "False",
            self.display_name, self.department, str(self.password_last_set),
        ]


def accounts_csv(accounts) -> bytes:
    """The export as PowerShell 5 `Export-Csv -Encoding UTF8 -NoTypeInformation` writes it:
    UTF-8 with BOM, CRLF, every field quoted."""
    text = io.StringIO()
    writer = csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(ACCOUNT_COLUMNS)
    for account in accounts:
        writer.writerow(account.row())
    return b"\xef\xbb\xbf" + text.getvalue().encode("utf-8")


def read_accounts_csv(path: str) -> list[Account]:
    """Reads back an export written by accounts_csv (the benchmark plants its logins)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        accounts = []
        for row in csv.DictReader(handle):
            proxies = [p for p in row.get("proxyAddresses", "").split(";") if p]
            accounts.append(
                Account(
                    sam=row["sAMAccountName"], upn=row["userPrincipalName"], mail=row["mail"],
                    aliases=[p[5:] for p in proxies if p.startswith("smtp:")],
                    enabled=row["Enabled"] == "True", display_name=row["displayName"],
                    department=row["department"], password_last_set=int(row["pwdLastSet"] or 0),
                )
            )
        return accounts


# ---------------------------------------------------------------------------------------------
# Victims: what a stealer took from one machine
# ---------------------------------------------------------------------------------------------


@dataclass(eq=False)
class Credential:
    url: str
    login: str  # "" is written as the family's "absent" marker (RedLine: UNKNOWN)
    password: str
    browser: int = 0  # index into BROWSERS


@dataclass(eq=False)
class Cookie:
    domain: str
    path: str
    secure: bool
    expiry: int  # Unix seconds, 0 = session cookie
    name: str
    value: str
    http_only: bool = False

    def netscape_line(self) -> str:
        flag = "TRUE" if self.domain.startswith(".") else "FALSE"
        domain = f"#HttpOnly_{self.domain}" if self.http_only else self.domain
        secure = "TRUE" if self.secure else "FALSE"
        return f"{domain}\t{flag}\t{self.path}\t{secure}\t{self.expiry}\t{self.name}\t{self.value}"


@dataclass
class Victim:
    hostname: str
    user: str
    ip: str
    country: str
    city: str
    hwid: str
    log_time: dt.datetime  # local time of the infection, with its UTC offset
    os: str = "Windows 10 Pro x64"
    domain: str = ""  # AD domain ("" = workgroup)
    credentials: list[Credential] = field(default_factory=list)
    cookies: list[Cookie] = field(default_factory=list)


class TextFile:
    """A text file under construction that remembers on which line each credential starts."""

    def __init__(self, newline: str = "\n", encoding: str = "utf-8", bom: bool = False):
        self.lines: list[str] = []
        self.newline = newline
        self.encoding = encoding
        self.bom = bom
        # Where each record (a Credential or a Cookie) starts, 1-based, for the expectations.
        self.record_lines: dict[object, int] = {}

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def start_record(self, record) -> None:
        self.record_lines[record] = len(self.lines) + 1

    def encoded(self) -> bytes:
        text = self.newline.join(self.lines) + self.newline
        if self.encoding == "utf-16-le":
            return b"\xff\xfe" + text.encode("utf-16-le")
        return (b"\xef\xbb\xbf" if self.bom else b"") + text.encode(self.encoding)


def folder_timestamp(moment: dt.datetime) -> str:
    """RedLine's folder date: ISO time with 7 fractional digits and `_` for every `:`
    (`2024-11-03T10_22_14.1234560+01_00`)."""
    offset = moment.utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{moment:%Y-%m-%dT%H_%M_%S}.{moment.microsecond * 10:07d}{sign}{minutes // 60:02d}_{minutes % 60:02d}"


def redline_folder_name(victim: Victim) -> str:
    return f"{victim.country}[{victim.hwid}] [{folder_timestamp(victim.log_time)}]"


def _box(lines: list[str], width: int = 55, corner: str = "*") -> list[str]:
    rule = corner * width
    return [rule] + [f"{corner}  {line:<{width - 5}}{corner}" for line in lines] + [rule]


REDLINE_ART = [
    r" ____          _ _    _            ",
    r"|  _ \ ___  __| | |  (_)_ __   ___ ",
    r"| |_) / _ \/ _` | |  | | '_ \ / _ \ ",
    r"|  _ <  __/ (_| | |__| | | | |  __/",
    r"|_| \_\___|\__,_|_____|_|_| |_|\___|",
]
META_ART = [
    r" __  __ _____ _____  _    ",
    r"|  \/  | ____|_   _|/ \   ",
    r"| |\/| |  _|   | | / _ \  ",
    r"| |  | | |___  | |/ ___ \ ",
    r"|_|  |_|_____| |_/_/   \_\ ",
]


def redline_files(victim: Victim, meta: bool = False, blank_line_records: bool = False) -> dict[str, TextFile]:
    """RedLine (or META) victim folder: Passwords.txt with URL/Username/Password/Application
    records closed by 15 `=`, UserInformation.txt, and Chrome's cookies under Cookies/.
    `blank_line_records` writes the re-pack variant that separates records by blank lines."""
    art = META_ART if meta else REDLINE_ART
    banner = _box(art + ["", f"Telegram: {ADVERT}", "Fresh logs every day - support @ExempleSupport"])
    passwords = TextFile(newline="\r\n", bom=not meta)
    passwords.add(*banner, "")
    for credential in victim.credentials:
        passwords.start_record(credential)
        passwords.add(
            f"URL: {credential.url}",
            f"Username: {credential.login or 'UNKNOWN'}",
            f"Password: {credential.password}",
            f"Application: {BROWSERS[credential.browser][0]}",
        )
        passwords.add("" if blank_line_records else "===============")

    info = TextFile(newline="\r\n")
    log_date = f"{victim.log_time.month}/{victim.log_time.day}/{victim.log_time.year} {victim.log_time:%I:%M:%S %p}"
    info.add(
        *banner,
        f"Build ID: {'MetaBuild-2024' if meta else 'Exemple-Nov'}",
        f"IP: {victim.ip}",
        f"FileLocation: C:\\Users\\{victim.user}\\AppData\\Local\\Temp\\updater.exe",
        f"UserName: {victim.user}",
        f"MachineName: {victim.hostname}",
        f"Country: {victim.country}",
        "Zip Code: UNKNOWN",
        f"Location: {victim.city}",
        f"HWID: {victim.hwid}",
        "Current Language: French (France)",
        "ScreenSize: {Width=1920, Height=1080}",
        "TimeZone: (UTC+01:00) Brussels, Copenhagen, Madrid, Paris",
        f"Operation System: {victim.os}",
        "UAC: AllowAll",
        "Process Elevation: False",
        f"Log date: {log_date}",
        "",
        "Available KeyboardLayouts: ",
        "French (France)",
        "",
        "Hardwares: ",
        "Name: Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz, 4 Cores",
        "Name: Total of RAM, 8076.35 MB or 8468631552 bytes",
    )
    files = {"Passwords.txt": passwords, "UserInformation.txt": info}
    files.update(cookie_files(victim, "Cookies/Google_[Chrome]_Default Network.txt"))
    processes = TextFile(newline="\r\n")
    processes.add("ID: 4120, Name: chrome.exe, CommandLine: ", "ID: 812, Name: explorer.exe, CommandLine: ")
    files["ProcessList.txt"] = processes
    return files


def lumma_files(victim: Victim) -> dict[str, TextFile]:
    """Lumma victim: `All Passwords.txt` plus one Passwords.txt per browser profile holding the
    same records again (SOFT/URL/USER/PASS, no separator), System.txt, Cookies/."""
    def passwords_file(credentials) -> TextFile:
        text = TextFile()
        for credential in credentials:
            text.start_record(credential)
            text.add(
                f"SOFT: {BROWSERS[credential.browser][1]}",
                f"URL: {credential.url}",
                f"USER: {credential.login}",
                f"PASS: {credential.password}",
            )
        return text

    files = {"All Passwords.txt": passwords_file(victim.credentials)}
    for index, browser in enumerate(BROWSERS):
        own = [c for c in victim.credentials if c.browser == index]
        if own:
            files[f"{browser[4]}/Default/Passwords.txt"] = passwords_file(own)

    system = TextFile()
    system.add(
        "- LummaC2 Build: 2024-10-28",
        "- LID (Lumma ID): exemple--nov",
        "- Configuration: 4c1f9e7d2a",
        f"- Path: C:\\Users\\{victim.user}\\AppData\\Local\\Temp\\setup_x64.exe",
        f"- OS Version: {victim.os}",
        f"- Local Date: {victim.log_time:%d.%m.%Y %H:%M:%S}",
        "- Time Zone: UTC+1",
        f"- Time: {victim.log_time:%H:%M:%S} (sig:9f3a71c2)",
        "- Install Date: 12.02.2023",
        "- Elevated: false",
        f"- Computer: {victim.hostname}",
        f"- User: {victim.user}",
        f"- Domain: {victim.domain}",
        f"- Hostname: {victim.hostname}",
        f"- NetBIOS: {victim.hostname[:15]}",
        "- Language: fr-FR",
        "- Anti Virus: Windows Defender",
        f"- HWID: {victim.hwid}",
        f"- IP Address: {victim.ip}",
        f"- Country: {victim.country}",
        "- CPU Name: Intel(R) Core(TM) i5-10500 CPU @ 3.10GHz",
        "- Physical Installed Memory: 16384 MB",
    )
    files["System.txt"] = system
    files.update(cookie_files(victim, "Cookies/Cookies_Chrome_Default.txt"))
    return files


def stealc_files(victim: Victim) -> dict[str, TextFile]:
    """StealC victim: passwords.txt with lower-case labels after an advert block between
    64-dash rules, a tab-indented system_info.txt, cookies/ and copyright.txt."""
    rule = "-" * 64
    passwords = TextFile()
    passwords.add(rule, f"|  EXEMPLE CLOUD - logs frais tous les jours", f"|  {ADVERT}", rule, "")
    for credential in victim.credentials:
        passwords.start_record(credential)
        passwords.add(
            f"browser: {BROWSERS[credential.browser][2]}",
            "profile: Default",
            f"url: {credential.url}",
            f"login: {credential.login}",
            f"password: {credential.password}",
            "",
        )
    moment = victim.log_time
    system = TextFile()
    system.add(
        "Network Info:",
        f"\t- IP: {victim.ip}",
        f"\t- Country: {victim.country}",
        "",
        "System Summary:",
        f"\t- HWID: {victim.hwid}",
        f"\t- OS: {victim.os}",
        "\t- Architecture: x64",
        f"\t- UserName: {victim.user}",
        f"\t- Computer Name: {victim.hostname}",
        f"\t- Local Time: {moment.year}/{moment.month}/{moment.day} {moment.hour}:{moment.minute}:{moment.second}",
        "\t- UAC: The operation completed successfully.",
        "\t- Display Resolution: 1920x1080",
        "\t- Display Language: fr-FR",
        "\t- Keyboard Languages: French (France)",
        "\t- TimeZone: 1",
        "\t- CPU Vendor: GenuineIntel",
        "",
        "Installed Apps:",
        "\tAll Users:",
        "\t\tMozilla Firefox (x64 fr) - 132.0.1",
    )
    copyright = TextFile()
    copyright.add("StealC log", f"Buy fresh logs: {ADVERT}")
    files = {"passwords.txt": passwords, "system_info.txt": system, "copyright.txt": copyright}
    files.update(cookie_files(victim, "cookies/Google Chrome_Default Network.txt"))
    return files


def vidar_files(victim: Victim, utf16: bool = False) -> dict[str, TextFile]:
    """Vidar victim: passwords.txt (Soft/Host/Login/Password, two blank lines between records;
    `Login:` without a space), information.txt, Cookies/. `utf16` writes passwords.txt the way
    a Windows tool re-saving it as "Unicode" would: UTF-16LE with BOM, CRLF."""
    passwords = TextFile(newline="\r\n", encoding="utf-16-le" if utf16 else "utf-8")
    for credential in victim.credentials:
        passwords.start_record(credential)
        passwords.add(
            f"Soft: {BROWSERS[credential.browser][3]}",
            f"Host: {credential.url}",
            f"Login:{credential.login}",
            f"Password: {credential.password}",
            "",
            "",
        )
    moment = victim.log_time
    info = TextFile(newline="\r\n")
    info.add(
        "Version: 11.1",
        f"Date: {moment:%d/%m/%Y %H:%M:%S}",
        f"MachineID: {victim.hwid[:8].lower()}-{victim.hwid[8:12].lower()}-{victim.hwid[12:16].lower()}",
        f"GUID: {{{victim.hwid[:8]}-{victim.hwid[8:12]}-{victim.hwid[12:16]}-{victim.hwid[16:20]}-{victim.hwid[20:]}}}",
        f"HWID: {victim.hwid}",
        f"Path: C:\\Users\\{victim.user}\\Downloads\\facture_novembre.exe",
        "Work Dir: C:\\ProgramData\\8QK2XG",
        "",
        f"Windows: {victim.os}",
        f"Computer Name: {victim.hostname}",
        f"User Name: {victim.user}",
        "Display Resolution: 1366x768",
        "Display Language: fr-FR",
        "Keyboard Languages: French (France)",
        f"Local Time: {moment.day}/{moment.month}/{moment.year} {moment:%H:%M:%S}",
        "TimeZone: UTC+1",
        "",
        "[Hardware]",
        "Processor: AMD Ryzen 5 3500U with Radeon Vega Mobile Gfx",
        "CPU Count: 8",
        "RAM: 7582 MB",
        "",
        "[Network]",
        f"Ip: {victim.ip}",
        f"Country: {victim.country}",
        "",
        "[Processes]",
        "---------- System [4]",
        "- chrome.exe [5120]",
    )
    files = {"passwords.txt": passwords, "information.txt": info}
    files.update(cookie_files(victim, "Cookies/Google Chrome_Default.txt"))
    return files


def cookie_files(victim: Victim, path: str) -> dict[str, TextFile]:
    if not victim.cookies:
        return {}
    text = TextFile()
    for cookie in victim.cookies:
        text.start_record(cookie)
        text.add(cookie.netscape_line())
    return {path: text}


FAMILY_RENDERERS = {
    "redline": redline_files,
    "meta": lambda victim: redline_files(victim, meta=True),
    "lumma": lumma_files,
    "stealc": stealc_files,
    "vidar": vidar_files,
}


# ---------------------------------------------------------------------------------------------
# Filler: what else a victim's browsers held
# ---------------------------------------------------------------------------------------------


# The generators below build whole lists at once from `picks`, several times faster than drawing
# item by item: the benchmark draws a million combolist lines this way. Weighted choices are
# populations with repeats (`weighted`), so that every draw is a uniform pick.


def picks(rng, population, count: int) -> list:
    """`count` uniform draws from `population`, like rng.choices(population, k=count) but about
    three times faster: one randbytes call gives every index (the modulo bias is below 10^-6)."""
    indices = array("I")
    indices.frombytes(rng.randbytes(4 * count))
    size = len(population)
    return [population[i % size] for i in indices]


def weighted(shares) -> tuple:
    """A population in which each item appears as many times as its share: ((a, 3), (b, 1)) → a a a b."""
    return tuple(item for item, share in shares for _ in range(share))


FOLDED_FIRST = [login_part(name) for name in FIRST_NAMES]
FOLDED_LAST = [login_part(name) for name in LAST_NAMES]
SITE_WORDS = WORDS + TOPICS
HOST_FORMS = weighted(((0, 35), (1, 20), (2, 10), (3, 35)))
NUMBERS = range(1, 10_000)


def hosts(rng, count: int) -> list[str]:
    """Filler host names: `a-b.example`, `www.ab.test`, `sub.a-b.example.net`, `a42.example.org`."""
    k = count
    return [
        f"{a}-{b}.{suffix}" if form == 0
        else f"{sub}.{a}{b}.{suffix}" if form == 1
        else f"{sub}.{a}-{b}.{suffix}" if form == 2
        else f"{a}{number % 99 + 1}.{suffix}"
        for a, b, suffix, sub, form, number in zip(
            picks(rng, WORDS, k), picks(rng, SITE_WORDS, k), picks(rng, FILLER_SUFFIXES, k),
            picks(rng, SUBDOMAINS, k), picks(rng, HOST_FORMS, k), picks(rng, NUMBERS, k))
    ]


def _email(first: str, last: str, form: int, number: int, domain: str) -> str:
    local = (f"{first}.{last}", f"{first}{last}{number}", f"{first[0]}.{last}{number % 10}", f"{first}_{last}")[form]
    return f"{local}@{domain}"


def personal_email(rng, first: str, last: str) -> str:
    """One fictional person's private address, at a mail domain that is never the organisation's."""
    return _email(login_part(first), login_part(last), rng.randrange(4), rng.randint(60, 99), rng.choice(MAIL_DOMAINS))


def nicknames(rng, count: int) -> list[str]:
    """Web-site user names. Each has an underscore, which no sAMAccountName generated here has."""
    return [f"{word}_{number}" for word, number in zip(picks(rng, WORDS, count), picks(rng, NUMBERS, count))]


LOGIN_FORMS = (0, 0, 1, 2, 3, 3, 4, 4)  # 0-3: the _email forms (75 %); 4: a nickname (25 %)


def logins(rng, count: int) -> list[str]:
    """Combolist logins: 75 % private e-mail addresses of random people, 25 % nicknames; never an
    organisation account."""
    k = count
    nicks = iter(nicknames(rng, k))
    return [
        _email(first, last, form, number % 40 + 60, domain) if form < 4 else next(nicks)
        for first, last, form, number, domain in zip(
            picks(rng, FOLDED_FIRST, k), picks(rng, FOLDED_LAST, k), picks(rng, LOGIN_FORMS, k),
            picks(rng, NUMBERS, k), picks(rng, MAIL_DOMAINS, k))
    ]


TOKEN_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def passwords(rng, count: int) -> list[str]:
    """Filler passwords of the usual human kinds (word + year + symbol…) and random tokens of 8-14
    characters, cut from one long random string."""
    k = count
    noise = "".join(picks(rng, TOKEN_ALPHABET, 14 * k))
    return [
        f"{a.capitalize()}{number % 2024 + 1}{symbol}" if form == 0
        else noise[14 * i:14 * i + 8 + number % 7] if form == 1
        else f"{a}{b}{number % 90 + 10}" if form == 2
        else f"{a.capitalize()}-{b}-{number % 99 + 1}" if form == 3
        else f"{a}{1950 + number % 63}"
        for i, (a, b, number, symbol, form) in enumerate(zip(
            picks(rng, WORDS, k), picks(rng, WORDS, k), picks(rng, NUMBERS, k), picks(rng, "!?#$*.", k),
            picks(rng, range(5), k)))
    ]


def filler_credentials(rng, count: int, first: str, last: str) -> list[Credential]:
    """What else a victim's browsers held: mostly their private address, sometimes a nickname."""
    email = personal_email(rng, first, last)
    nicks = iter(nicknames(rng, count))
    return [
        Credential(f"https://{host}{path}", email if use_email else next(nicks), password, browser)
        for host, path, password, use_email, browser in zip(
            hosts(rng, count), picks(rng, PATHS, count), passwords(rng, count),
            picks(rng, weighted(((True, 7), (False, 3))), count), picks(rng, (0, 0, 0, 1, 2), count))
    ]


COOKIE_NAMES = ("_ga", "_gid", "lang", "consent", "session_id", "PHPSESSID", "cart", "theme", "sid", "remember_me")


def filler_cookies(rng, count: int, log_time: dt.datetime) -> list[Cookie]:
    cookies = []
    expires = int(log_time.timestamp())
    for host in hosts(rng, count):
        if rng.random() < 0.5:
            # A domain cookie: set for the site, sent to its subdomains too.
            label, rest = host.split(".", 1)
            domain = "." + (rest if label in SUBDOMAINS else host)
        else:
            domain = host
        value = base64.b64encode(rng.randbytes(rng.choice((8, 16, 24)))).decode().rstrip("=")
        cookies.append(
            Cookie(domain, "/", rng.random() < 0.7, rng.choice((0, expires + rng.randint(3_600, 31_536_000))),
                   rng.choice(COOKIE_NAMES), value, http_only=rng.random() < 0.1)
        )
    return cookies


# ---------------------------------------------------------------------------------------------
# Combolists (ULP lines)
# ---------------------------------------------------------------------------------------------

# Shares of URL forms and separators, as in the reference corpus (stealer-logs.md §3 and
# performance-anchors.md): 72 % https, 14 % http, 10 % no scheme, 4 % android; 6 % with a port
# (8 port fields among 133); separators ':' 88 %, '|' 7 %, ' ' 5 %.
SCHEMES = weighted((("https://", 72), ("http://", 14), ("", 10), ("android://", 4)))
PORT_FIELDS = tuple(f":{port}" for port in PORTS) + ("",) * 125
SEPARATORS = weighted(((":", 88), ("|", 7), (" ", 5)))
# Combolist URLs favour short paths ("/", "/login"), which keeps lines near the reference's 76 B.
URL_PATHS = weighted(((PATHS[0], 30), (PATHS[1], 20))) + weighted((path, 3) for path in PATHS[2:])


def android_url(rng, package: str | None = None) -> str:
    """An Android app's "URL" as Chrome stores it: the base64url hash of the signing certificate,
    `@`, the package name."""
    cert = base64.urlsafe_b64encode(rng.randbytes(rng.choice((16, 32)))).decode()
    return f"android://{cert}@{package or rng.choice(('com', 'fr', 'net')) + '.example.' + rng.choice(WORDS)}/"


def urls(rng, count: int) -> list[str]:
    """URL fields of combolist lines, in the reference corpus's proportions. Without a scheme,
    half are a bare host and half a host and path."""
    k = count
    return [
        android_url(rng) if scheme == "android://"
        else f"{scheme}{host}{port}{path}" if scheme or with_path
        else f"{host}{port}"
        for scheme, host, port, path, with_path in zip(
            picks(rng, SCHEMES, k), hosts(rng, k), picks(rng, PORT_FIELDS, k), picks(rng, URL_PATHS, k),
            picks(rng, (True, False), k))
    ]


def ulp_lines(rng, url_pool, login_pool, password_pool, count: int) -> list[str]:
    """`count` lines `url<sep>login<sep>password` drawn from the given pools (no newline)."""
    return [
        f"{u}{s}{l}{s}{p}"
        for u, s, l, p in zip(picks(rng, url_pool, count), picks(rng, SEPARATORS, count),
                              picks(rng, login_pool, count), picks(rng, password_pool, count))
    ]


# ---------------------------------------------------------------------------------------------
# Deterministic archives: fixed times, owners and modes, so that a rerun gives the same bytes
# ---------------------------------------------------------------------------------------------

ARCHIVE_TIME = dt.datetime(2024, 11, 20, 9, 0, 0)


def zip_bytes(members: list[tuple[str, bytes]], directories: bool = False, level: int = 9) -> bytes:
    """A deflated zip of `members` in order. `directories` also stores each folder as its own
    entry, as Windows' "Send to compressed folder" does."""
    buffer = io.BytesIO()
    seen_dirs: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members:
            if directories:
                parts = name.split("/")[:-1]
                for depth in range(1, len(parts) + 1):
                    folder = "/".join(parts[:depth]) + "/"
                    if folder not in seen_dirs:
                        seen_dirs.add(folder)
                        info = zipfile.ZipInfo(folder, date_time=ARCHIVE_TIME.timetuple()[:6])
                        info.create_system = 3
                        info.external_attr = (0o40755 << 16) | 0x10
                        archive.writestr(info, b"")
            info = zipfile.ZipInfo(name, date_time=ARCHIVE_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data, compresslevel=level)
    return buffer.getvalue()


def gzip_bytes(data: bytes, level: int = 9) -> bytes:
    return gzip.compress(data, compresslevel=level, mtime=0)


def tar_gz_bytes(members: list[tuple[str, bytes]]) -> bytes:
    """A gzip'd GNU tar of `members`, folders first, with root ownership and a fixed time."""
    buffer = io.BytesIO()
    mtime = int(ARCHIVE_TIME.replace(tzinfo=dt.timezone.utc).timestamp())
    folders = sorted({"/".join(name.split("/")[:depth]) for name, _ in members for depth in range(1, name.count("/") + 1)})
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for folder in folders:
            info = tarfile.TarInfo(folder)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, mtime
            archive.addfile(info)
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, mtime
            archive.addfile(info, io.BytesIO(data))
    return gzip_bytes(buffer.getvalue())
