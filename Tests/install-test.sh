#!/usr/bin/env bash
# `make install` into a temporary DESTDIR (the debug build, already built by `make test`), then
# what an administrator relies on: the installed binary finds its installed packs, the man page
# renders, the completions and the examples are there with their paths filled in, the run
# folders exist owner-only; then `make uninstall` removes every file it installed and keeps a
# state it did not.
set -euo pipefail
cd "$(dirname "$0")/.."

stage=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$stage" "$log"' EXIT
export CREDWATCH_FINGERPRINT_KEY=install-test-key-0123456789
prefix=/opt/credwatch-test
vars=(DESTDIR="$stage" PREFIX="$prefix" SYSCONFDIR=/etc LOCALSTATEDIR=/var INSTALL_CONFIGURATION=debug)
root="$stage$prefix"

passed=0
failed=0
check() {  # check DESCRIPTION COMMAND...
    local description=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "test-install: FAIL: $description" >&2
    fi
}
contains() { grep -qF -- "$2" <<<"$1"; }

make -s install "${vars[@]}" >"$log" 2>&1 || { cat "$log"; exit 1; }

# Every file the install put in place, to compare with what uninstall leaves.
installed=$(cd "$stage" && find . -type f | sort)
echo "installed files:"
sed 's/^/  /' <<<"$installed"

bin="$root/bin/credwatch"
check "the binary is installed and executable" test -x "$bin"

# The packs: from another folder, with no CREDWATCH_PATTERNS, `check` names the installed files.
understood=$(cd "$stage" && env -u CREDWATCH_PATTERNS "$bin" check --accounts "$OLDPWD/Samples/accounts.csv" \
    --org "$OLDPWD/Samples/org.toml")
for pack in Patterns/*.toml; do
    check "the installed binary loads the installed $(basename "$pack")" \
        contains "$understood" "$root/share/credwatch/patterns/$(basename "$pack")"
done
check "the installed binary does not fall back to the repository's packs" \
    bash -c '! grep -q "'"$PWD"'/Patterns/" <<<"$1"' _ "$understood"

# It scans the samples as the build does (the same findings).
expected=$(env -u CREDWATCH_PATTERNS .build/debug/credwatch scan Samples/logs --accounts Samples/accounts.csv \
    --org Samples/org.toml --format jsonl --quiet | wc -l || true)
found=$(env -u CREDWATCH_PATTERNS "$bin" scan Samples/logs --accounts Samples/accounts.csv --org Samples/org.toml \
    --format jsonl --quiet | wc -l || true)
check "the installed binary reports the samples' $expected findings (got $found)" test "$found" -eq "$expected"
check "the installed binary has findings to report" test "$found" -gt 0

version=$("$bin" --version)
for library in "credwatch " PCRE2 zlib ISA-L SQLite OpenSSL; do
    check "--version names $library" contains "$version" "$library"
done

# The man page: installed, rendered by groff without a warning, and found by man.
page="$root/share/man/man1/credwatch.1"
check "the man page is installed" test -s "$page"
warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1 || echo "groff failed")
check "groff renders the man page without a warning: $warnings" test -z "$warnings"
rendered=$(MANPAGER=cat MANWIDTH=100 man -l "$page" 2>/dev/null || true)
for text in NAME SYNOPSIS DESCRIPTION credwatch scan check state "--accounts" "--no-default-patterns" "--fingerprint-key-file"; do
    check "the rendered man page shows $text" contains "$rendered" "$text"
done
check "man finds credwatch(1) under the prefix" \
    test "$(MANPATH="$root/share/man" man -w credwatch 2>/dev/null)" = "$page"

# Completions for bash, zsh and fish.
share="$root/share"
check "bash completion installed" test -s "$share/bash-completion/completions/credwatch"
check "bash completion is valid bash" bash -n "$share/bash-completion/completions/credwatch"
check "bash completion offers check" grep -q "check" "$share/bash-completion/completions/credwatch"
check "zsh completion installed" grep -q "^#compdef credwatch" "$share/zsh/site-functions/_credwatch"
check "fish completion installed" grep -q "^complete -c 'credwatch'" "$share/fish/vendor_completions.d/credwatch.fish"

# The examples, with the installed paths filled in.
doc="$share/doc/credwatch"
for file in README.md cron-credwatch.sh credwatch.service credwatch.timer reset-accounts.ps1; do
    check "$file installed in share/doc/credwatch" test -s "$doc/$file"
done
check "the units have no placeholder left" bash -c '! grep -q "@[A-Z]*@" "$1"/credwatch.service "$1"/credwatch.timer' _ "$doc"
check "the service runs the installed binary" grep -q "^Environment=CREDWATCH=$prefix/bin/credwatch$" "$doc/credwatch.service"
check "the service sets a PATH holding the binary's folder" grep -q "^Environment=PATH=$prefix/bin:" "$doc/credwatch.service"
check "the service runs the installed script" grep -q "^ExecStart=/bin/bash $prefix/share/doc/credwatch/cron-credwatch.sh$" \
    "$doc/credwatch.service"
check "the script puts the binary's folder on cron's PATH" grep -q "^CREDWATCH_BINDIR=$prefix/bin$" "$doc/cron-credwatch.sh"
check "the script is executable and valid bash" bash -n "$doc/cron-credwatch.sh"
check "the script is executable" test -x "$doc/cron-credwatch.sh"
if command -v systemd-analyze >/dev/null; then
    check "systemd-analyze accepts the timer" bash -c 'systemd-analyze calendar "$1" >/dev/null' _ "$(sed -n 's/^OnCalendar=//p' "$doc/credwatch.timer")"
fi

# The folders the scheduled run writes to, owner-only.
for folder in /etc/credwatch /var/lib/credwatch/reports /var/log/credwatch /var/spool/credwatch/tickets; do
    check "$folder created" test -d "$stage$folder"
    check "$folder is 0700" test "$(stat -c %a "$stage$folder")" = 700
done

# Uninstall: every installed file goes; a state left by a run (not installed) stays.
touch "$stage/var/lib/credwatch/state.db"
make -s uninstall "${vars[@]}" >>"$log" 2>&1
left=$(cd "$stage" && find . -type f | sort)
check "uninstall removes every installed file but keeps the state (left: $left)" test "$left" = "./var/lib/credwatch/state.db"
rm "$stage/var/lib/credwatch/state.db"
make -s uninstall "${vars[@]}" >>"$log" 2>&1
for folder in "$prefix/share/credwatch" "$prefix/share/doc/credwatch" /var/lib/credwatch /var/log/credwatch \
    /var/spool/credwatch /etc/credwatch; do
    check "uninstall removes the empty $folder" test ! -e "$stage$folder"
done

echo "test-install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
