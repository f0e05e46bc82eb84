#!/usr/bin/env python3
"""The "Python str.split" anchor: a parse-and-match written the way the existing open-source
parsers work (stealer-logs.md §3-4), to show what credwatch is compared with.

For a combolist (plain or .gz): read text lines, strip the scheme, `str.split(':')`, take field 0
as host/path and field 1 as the login, lower-case the login and look it up in a set of account
logins; when it is there, compare the host with the platform hosts. A directory is walked for
stealer-log zips: members whose name contains "password" are decoded as UTF-8 (errors ignored),
and `Label: value` lines are split at ': ' and matched the same way.

It keeps the peers' known shortcuts on purpose (a port is taken for the login, passwords are
cut at their first ':', pipes and UTF-16 files are not understood): it is a speed anchor, not a
reference for what should be found.

    baseline_split.py --accounts accounts.csv [--org org.toml] INPUT...
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import sys
import tomllib
import zipfile

SCHEMES = ("https://", "http://", "android://")
HOST_LABELS = {"url", "host", "hostname", "site", "link", "domain", "origin"}
LOGIN_LABELS = {"username", "login", "user", "email", "user login"}


def load_accounts(path: str) -> set[str]:
    """Every login form of a CSV export (sAMAccountName, UPN, mail, smtp aliases), lower-cased;
    a file that is not a CSV export is read as one login per line."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
        handle.seek(0)
        if "sAMAccountName" not in first:
            return {line.strip().lower() for line in handle if line.strip()}
        logins = set()
        for row in csv.DictReader(handle):
            logins.update(v.lower() for v in (row["sAMAccountName"], row["userPrincipalName"], row["mail"]) if v)
            logins.update(p[5:].lower() for p in row.get("proxyAddresses", "").split(";") if p.lower().startswith("smtp:"))
        return logins


def load_platform_hosts(path: str) -> set[str]:
    with open(path, "rb") as handle:
        profile = tomllib.load(handle)
    return {pattern.split("/")[0].lower() for p in profile.get("platform", []) for pattern in p.get("match", [])}


class Counts:
    def __init__(self):
        self.lines = self.accounts = self.platform = 0


def scan_combolist(lines, accounts: set[str], platforms: set[str], counts: Counts) -> None:
    for line in lines:
        counts.lines += 1
        line = line.rstrip("\r\n")
        for scheme in SCHEMES:
            if line.startswith(scheme):
                line = line[len(scheme):]
                break
        fields = line.split(":")
        if len(fields) < 3:
            continue
        login = fields[1].strip().lower()
        if login in accounts:
            counts.accounts += 1
            if fields[0].split("/")[0].lower() in platforms:
                counts.platform += 1


def scan_stealer_file(lines, accounts: set[str], platforms: set[str], counts: Counts) -> None:
    host = ""
    for line in lines:
        counts.lines += 1
        label, _, value = line.partition(":")
        label = label.strip().lower()
        value = value.strip()
        if label in HOST_LABELS:
            for scheme in SCHEMES:
                if value.startswith(scheme):
                    value = value[len(scheme):]
                    break
            host = value.split("/")[0].split(":")[0].lower()
        elif label in LOGIN_LABELS and value.lower() in accounts:
            counts.accounts += 1
            if host in platforms:
                counts.platform += 1


def scan_path(path: str, accounts: set[str], platforms: set[str], counts: Counts) -> None:
    if os.path.isdir(path):
        for root, _, names in sorted(os.walk(path)):
            for name in sorted(names):
                scan_path(os.path.join(root, name), accounts, platforms, counts)
    elif path.endswith(".zip"):
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if "password" in member.lower() and member.lower().endswith(".txt"):
                    text = archive.read(member).decode("utf-8", errors="ignore")
                    scan_stealer_file(text.splitlines(), accounts, platforms, counts)
    elif path.endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as handle:
            scan_combolist(handle, accounts, platforms, counts)
    else:
        with open(path, encoding="utf-8", errors="replace") as handle:
            scan_combolist(handle, accounts, platforms, counts)


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", required=True, help="AD export (CSV) or one login per line")
    parser.add_argument("--org", default=os.path.join(here, "..", "Samples", "org.toml"))
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="combolist (.txt, .gz) or folder of zips")
    args = parser.parse_args()
    accounts, platforms, counts = load_accounts(args.accounts), load_platform_hosts(args.org), Counts()
    for path in args.inputs:
        scan_path(path, accounts, platforms, counts)
    print(f"lines {counts.lines}  account logins {counts.accounts}  on platforms {counts.platform}")


if __name__ == "__main__":
    main()
