#!/usr/bin/env python3
"""Deterministic benchmark corpora for credwatch, in the shape of the reference corpus
(performance-anchors.md): a big ULP combolist streamed to stdout, an AD account export, and a tree
of per-victim stealer-log zips. Same seed, same bytes. Everything is fictional (see
Samples/synthlogs.py); the organisation's platforms and domains come from an org profile
(Samples/org.toml by default), so planted credentials land on its platforms.

    gen_corpus.py accounts --count 100000 --seed 1 > accounts.csv
    gen_corpus.py accounts --count 100000 --seed 1 --plain > accounts.txt      # one mail per line, for grep -f
    gen_corpus.py ulp --bytes 1G --seed 1 --accounts accounts.csv --plant 200 --manifest ulp.json > ulp.txt
    gen_corpus.py stealer-tree --victims 2000 --seed 1 --accounts accounts.csv --out tree/
    gen_corpus.py org-combo --accounts accounts.csv --passwords 5 --seed 1 > org-combo.txt

Sizes take K, M, G, T suffixes (powers of 1000, like the MB/s the benchmark reports).

The ULP stream is fast (several hundred MB/s) because no line is drawn at write time: a pool of
about a million distinct lines (~76 MB) is generated once, and the output is made of 1 MiB
slices of that pool starting at random line boundaries, with the planted lines written between
slices. Lines therefore repeat across a large output, as they do in real dumps; the gzip window
(32 KiB) never sees the repeats, so compressed sizes stay realistic.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import os
import random
import sys
import tomllib
from array import array

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Samples"))
sys.dont_write_bytecode = True  # no __pycache__ left in the repository

import synthlogs as sl  # noqa: E402  (lives in Samples/, shared with the sample generator)

DEFAULT_ORG = os.path.join(HERE, "..", "Samples", "org.toml")
ACCOUNT_DOMAINS = ("clinique-exemple.fr", "chu-exemple.fr", "groupe-sante-exemple.fr")
POOL_LINES = 1 << 20
SLICE_BYTES = 1 << 20


def parse_size(text: str) -> int:
    units = {"K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}
    text = text.strip().upper().removesuffix("B")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


# ---------------------------------------------------------------------------------------------
# Organisation: platforms and identity forms to plant
# ---------------------------------------------------------------------------------------------

class Organisation:
    """What the planted credentials need from the org profile: platform URLs and domain names."""

    def __init__(self, path: str):
        with open(path, "rb") as handle:
            profile = tomllib.load(handle)
        self.netbios = profile.get("netbios_domains", ["EXEMPLE"])[0]
        self.ad_domain = profile.get("ad_domains", ["ad.exemple.test"])[0]
        self.platforms: list[tuple[str, str]] = []  # (platform id, URL)
        for platform in profile.get("platform", []):
            for pattern in platform.get("match", []):
                url = f"https://{pattern}" + ("/index.php" if "/" in pattern else "/")
                self.platforms.append((platform["id"], url))
        if not self.platforms:
            sys.exit(f"{path}: no [[platform]] with a `match` list to plant on")

    def planted_credential(self, rng, account: sl.Account) -> dict:
        """An account's credential on one of the platforms, in a random identity form and case."""
        platform, url = rng.choice(self.platforms)
        roll = rng.random()
        if roll < 0.10:
            url = url.replace("https://", "http://", 1)
        elif roll < 0.20:
            url = url.removeprefix("https://")
        forms = [
            (account.mail, 40), (account.upn, 25), (account.sam, 15),
            (f"{self.netbios}\\{account.sam}", 10), (f"{account.sam}@{self.ad_domain}", 10),
        ]
        login = rng.choices([f for f, _ in forms if f], weights=[w for f, w in forms if f])[0]
        roll = rng.random()
        if roll < 0.10:
            login = login.upper()
        elif roll < 0.20:
            login = ".".join(part.capitalize() for part in login.split("."))
        return {"account": account.sam, "platform": platform, "url": url, "login": login,
                "password": sl.passwords(rng, 1)[0]}


def load_accounts(path: str) -> list[sl.Account]:
    accounts = sl.read_accounts_csv(path)
    if not accounts:
        sys.exit(f"{path}: no accounts")
    return accounts


# ---------------------------------------------------------------------------------------------
# accounts
# ---------------------------------------------------------------------------------------------

def make_accounts(count: int, seed: int) -> list[sl.Account]:
    """`count` fictional staff over three health-sector domains; sAMAccountName = initial + last
    name, numbered on collision, as directories do."""
    rng = random.Random(f"accounts/{seed}")
    departments = ("Urgences", "Cardiologie", "Pharmacie", "Imagerie médicale", "Bloc opératoire",
                   "Laboratoire", "Maternité", "Pédiatrie", "Accueil", "Ressources humaines", "Facturation")
    used: dict[str, int] = {}
    start = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc)
    accounts = []
    for _ in range(count):
        first, last = rng.choice(sl.FIRST_NAMES), rng.choice(sl.LAST_NAMES)
        first_part, last_part = sl.login_part(first), sl.login_part(last)
        base = (first_part[0] + last_part.replace("-", ""))[:18]
        number = used.get(base, 0) + 1
        used[base] = number
        suffix = "" if number == 1 else str(number)
        sam = base + suffix
        domain = rng.choice(ACCOUNT_DOMAINS)
        moment = start + dt.timedelta(seconds=rng.randrange(700 * 86_400))
        accounts.append(sl.Account(
            sam=sam, upn=f"{sam}@{domain}", mail=f"{first_part}.{last_part}{suffix}@{domain}",
            aliases=[f"{first_part[0]}.{last_part}{suffix}@{domain}"], enabled=rng.random() > 0.02,
            display_name=f"{last}, {first}" if rng.random() < 0.3 else f"{first} {last}",
            department=rng.choice(departments), password_last_set=sl.filetime(moment),
        ))
    return accounts


def cmd_accounts(args) -> None:
    accounts = make_accounts(args.count, args.seed)
    out = sys.stdout.buffer
    if args.plain:
        out.write("".join(f"{a.mail}\n" for a in accounts).encode())
    else:
        out.write(sl.accounts_csv(accounts))


# ---------------------------------------------------------------------------------------------
# ulp
# ---------------------------------------------------------------------------------------------

def ulp_pool(rng, lines: int) -> tuple[bytes, array]:
    """`lines` filler lines joined into one buffer, and the offset where each line starts."""
    urls = sl.urls(rng, max(lines * 2 // 5, 100))
    logins = sl.logins(rng, max(lines * 3 // 10, 100))
    passwords = sl.passwords(rng, max(lines // 2, 100))
    text = sl.ulp_lines(rng, urls, logins, passwords, lines)
    buffer = ("\n".join(text) + "\n").encode()
    if len(buffer) != sum(map(len, text)) + len(text):
        text = [line.encode() for line in text]  # some line is not ASCII: count its bytes
    offsets = array("Q", itertools.accumulate((len(line) + 1 for line in text), initial=0))
    return buffer, offsets


def cmd_ulp(args) -> None:
    target = parse_size(args.bytes)
    rng = random.Random(f"ulp/{args.seed}")
    org = Organisation(args.org)
    accounts = load_accounts(args.accounts) if args.plant else []
    if args.plant > len(accounts):
        sys.exit(f"--plant {args.plant} is more than the {len(accounts)} accounts of {args.accounts}")
    plants = [org.planted_credential(rng, account) for account in rng.sample(accounts, args.plant)]
    plant_lines = [f"{p['url']}:{p['login']}:{p['password']}\n".encode() for p in plants]
    plant_at = sorted(rng.randrange(max(target, 1)) for _ in plants)

    pool, offsets = ulp_pool(rng, min(POOL_LINES, max(target // 70, 1000)))
    pool_lines = len(offsets) - 1
    view = memoryview(pool)
    out = sys.stdout.buffer
    written = lines = planted = 0
    while written < target:
        while planted < len(plant_lines) and plant_at[planted] <= written:
            out.write(plant_lines[planted])
            written += len(plant_lines[planted])
            lines += 1
            planted += 1
        first = rng.randrange(pool_lines)
        # End the slice on a line boundary, at most SLICE_BYTES on and never past the target.
        limit = offsets[first] + min(SLICE_BYTES, target - written)
        last = bisect.bisect_right(offsets, limit, lo=first + 1) - 1
        if last <= first:  # the remaining room is smaller than the line: finish with it
            last = first + 1
        out.write(view[offsets[first]:offsets[last]])
        written += offsets[last] - offsets[first]
        lines += last - first
    for line in plant_lines[planted:]:
        out.write(line)
        written += len(line)
        lines += 1
    out.flush()
    if args.manifest:
        write_json(args.manifest, {"kind": "ulp", "seed": args.seed, "bytes": written, "lines": lines,
                                   "planted": plants})


# ---------------------------------------------------------------------------------------------
# org-combo
# ---------------------------------------------------------------------------------------------

def cmd_org_combo(args) -> None:
    """The organisation's own user table leaked: every account of the export on one of its
    platforms, `--passwords` distinct passwords each (the last digit tells them apart), in a random order:
    every line is a finding."""
    rng = random.Random(f"org-combo/{args.seed}")
    org = Organisation(args.org)
    accounts = load_accounts(args.accounts)
    platform = args.platform or org.platforms[0][0]
    urls = [url for id_, url in org.platforms if id_ == platform]
    if not urls:
        sys.exit(f"{args.org}: no platform {platform!r}")
    count = len(accounts) * args.passwords
    passwords = sl.passwords(rng, count)
    lines = [
        f"{urls[i % len(urls)]}:{account.mail or account.sam}:{passwords[i]}{i % args.passwords}\n"
        for i, account in enumerate(a for a in accounts for _ in range(args.passwords))
    ]
    rng.shuffle(lines)
    data = "".join(lines).encode()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    if args.manifest:
        write_json(args.manifest, {"kind": "org-combo", "seed": args.seed, "bytes": len(data), "lines": count,
                                   "accounts": len(accounts), "passwords": args.passwords, "platform": platform})


# ---------------------------------------------------------------------------------------------
# stealer-tree
# ---------------------------------------------------------------------------------------------

FAMILIES = ("redline", "meta", "lumma", "stealc", "vidar")


def cmd_stealer_tree(args) -> None:
    rng = random.Random(f"tree/{args.seed}")
    org = Organisation(args.org)
    accounts = load_accounts(args.accounts)
    plant_count = args.victims // 20 if args.plant is None else args.plant
    planted_victims = set(rng.sample(range(args.victims), min(plant_count, args.victims)))
    org_hosts = sorted({url.split("/")[2] for _, url in org.platforms})
    os.makedirs(args.out, exist_ok=True)
    manifest = {"kind": "stealer-tree", "seed": args.seed, "victims": args.victims, "zips": 0,
                "compressed_bytes": 0, "bytes": 0, "credentials": 0, "cookies": 0,
                "planted": [], "org_machines": [], "session_cookies": []}
    for index in range(args.victims):
        family = FAMILIES[index % len(FAMILIES)]
        first, last = rng.choice(sl.FIRST_NAMES), rng.choice(sl.LAST_NAMES)
        when = dt.datetime(2024, 11, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))) + dt.timedelta(
            seconds=rng.randrange(30 * 86_400), microseconds=rng.randrange(1_000_000))
        victim = sl.Victim(hostname=f"DESKTOP-{sl.hex_id(rng, 7)}", user=sl.ascii_fold(first), ip=sl.doc_ip(rng),
                           country="FR", city="Paris, Île-de-France", hwid=sl.hex_id(rng, 32), log_time=when)
        victim.credentials = sl.filler_credentials(rng, max(5, int(rng.gauss(50, 15))), first, last)
        victim.cookies = sl.filler_cookies(rng, rng.randint(100, 500), when)
        if index in planted_victims:
            account = rng.choice(accounts)
            plant = org.planted_credential(rng, account)
            victim.credentials.insert(rng.randrange(len(victim.credentials) + 1),
                                      sl.Credential(plant["url"], plant["login"], plant["password"]))
            manifest["planted"].append({**plant, "victim": index})
            serial = len(manifest["planted"])
            if serial % 3 == 0:  # one planted victim in three is a machine of the organisation
                victim.hostname = f"GEX-PAR-PC{index % 10_000:04d}"
                victim.user = account.sam
                victim.domain = org.ad_domain if family == "lumma" else ""
                manifest["org_machines"].append({"victim": index, "hostname": victim.hostname,
                                                 "account": account.sam})
            if serial % 4 == 0:  # and one in four leaked a session for a platform
                host = rng.choice(org_hosts)
                victim.cookies.insert(0, sl.Cookie(host, "/", True, 0, "PHPSESSID", sl.hex_id(rng, 26).lower(),
                                                   http_only=True))
                manifest["session_cookies"].append({"victim": index, "host": host})
        files = sl.vidar_files(victim, utf16=index % 3 == 0) if family == "vidar" else sl.FAMILY_RENDERERS[family](victim)
        if family in ("redline", "meta"):
            name, prefix = sl.redline_folder_name(victim), sl.redline_folder_name(victim) + "/"
        elif family == "lumma":
            name, prefix = f"[FR]@EXEMPLECLOUD ({index})", ""  # Lumma packs: files at the zip's root
        else:
            name, prefix = f"FR_{victim.ip}_{when:%Y%m%d%H%M%S}_{index}", f"{family.upper()}_{victim.hwid[:8]}/"
        members = [(prefix + path, text.encoded()) for path, text in files.items()]
        data = sl.zip_bytes(members, level=6)
        with open(os.path.join(args.out, f"{index:05d} {name}.zip"), "wb") as handle:
            handle.write(data)
        manifest["zips"] += 1
        manifest["compressed_bytes"] += len(data)
        manifest["bytes"] += sum(len(content) for _, content in members)
        manifest["credentials"] += len(victim.credentials)
        manifest["cookies"] += len(victim.cookies)
    write_json(args.manifest or args.out.rstrip("/") + ".manifest.json", manifest)


def write_json(path: str, value) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(value, handle, ensure_ascii=False, indent=1)
        handle.write("\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    accounts = commands.add_parser("accounts", help="AD export (CSV) of fictional accounts, to stdout")
    accounts.add_argument("--count", type=int, default=100_000)
    accounts.add_argument("--seed", type=int, default=1)
    accounts.add_argument("--plain", action="store_true", help="one mail address per line (for grep -F -f)")
    accounts.set_defaults(run=cmd_accounts)

    ulp = commands.add_parser("ulp", help="ULP combolist, to stdout")
    ulp.add_argument("--bytes", default="1G", help="output size (K/M/G/T suffixes, powers of 1000)")
    ulp.add_argument("--seed", type=int, default=1)
    ulp.add_argument("--accounts", help="AD export whose accounts are planted (needed with --plant)")
    ulp.add_argument("--plant", type=int, default=0, help="organisation credentials to plant")
    ulp.add_argument("--org", default=DEFAULT_ORG, help="org profile naming the platforms to plant on")
    ulp.add_argument("--manifest", help="write size, line count and planted credentials here (JSON)")
    ulp.set_defaults(run=cmd_ulp)

    combo = commands.add_parser("org-combo", help="every account on a platform, several passwords each, to stdout")
    combo.add_argument("--accounts", required=True, help="AD export whose accounts are leaked")
    combo.add_argument("--passwords", type=int, default=5, help="distinct passwords per account")
    combo.add_argument("--seed", type=int, default=1)
    combo.add_argument("--org", default=DEFAULT_ORG)
    combo.add_argument("--platform", help="platform id of the org profile (default: its first)")
    combo.add_argument("--manifest", help="write size, line count and parameters here (JSON)")
    combo.set_defaults(run=cmd_org_combo)

    tree = commands.add_parser("stealer-tree", help="one zip per victim, in several family layouts")
    tree.add_argument("--victims", type=int, default=2000)
    tree.add_argument("--out", required=True, help="folder to write the zips into")
    tree.add_argument("--seed", type=int, default=1)
    tree.add_argument("--accounts", required=True, help="AD export whose accounts are planted")
    tree.add_argument("--plant", type=int, help="victims holding an organisation credential (default victims/20)")
    tree.add_argument("--org", default=DEFAULT_ORG)
    tree.add_argument("--manifest", help="where to write the manifest (default: OUT.manifest.json)")
    tree.set_defaults(run=cmd_stealer_tree)

    args = parser.parse_args()
    if args.command == "ulp" and args.plant and not args.accounts:
        parser.error("ulp --plant needs --accounts")
    try:
        args.run(args)
    except BrokenPipeError:  # the reader stopped early (head, a crashed scanner): not our error
        sys.stderr.close()
        os._exit(1)


if __name__ == "__main__":
    main()
