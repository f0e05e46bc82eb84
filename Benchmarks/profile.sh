#!/usr/bin/env bash
# Where credwatch's instructions go, by function, per unit of work: callgrind instruction counts
# (exact and independent of the machine's load, unlike times), side by side with the C anchor.
# Called by `make profile`; see Benchmarks/README.md ("Profiles").
#
#   per ULP line     scan of PROFILE_MB of the bench combolist, --threads 1, less an empty-input run
#   per account      loading BENCH_ACCOUNTS accounts (empty input), less a run with Samples' export
#   per finding      PROFILE_FINDINGS lines of org-combo.txt (each a finding), less the same bytes
#                    of the findings-free ulp-same-size.txt
#
# Environment (defaults in brackets): BENCH_DIR [/tmp/credwatch-bench] (corpora of `make bench`,
# generated here when missing), PROFILE_MB [20], PROFILE_FINDINGS [20000], BENCH_ACCOUNTS
# [100000], CREDWATCH [.build/release/credwatch], PARSE_C_SOURCE [../shared/anchors/parse_c.c],
# PROFILE_RESULTS [Benchmarks/profile-latest.txt], PROFILE_TOP [16] (functions listed per table).
# The corpora of `make bench` in BENCH_DIR are used when its corpus.key names BENCH_ACCOUNTS
# accounts; otherwise they are generated under BENCH_DIR/profile.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
W=${BENCH_DIR:-/tmp/credwatch-bench}
MB=${PROFILE_MB:-20}
FINDINGS=${PROFILE_FINDINGS:-20000}
ACCOUNTS=${BENCH_ACCOUNTS:-100000}
CREDWATCH=${CREDWATCH:-$root/.build/release/credwatch}
PARSE_C_SOURCE=${PARSE_C_SOURCE:-$(dirname "$root")/shared/anchors/parse_c.c}
RESULTS=${PROFILE_RESULTS:-$here/profile-latest.txt}
TOP=${PROFILE_TOP:-16}
GEN=(python3 "$here/gen_corpus.py")

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if ! command -v valgrind >/dev/null && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    say "installing valgrind"
    apt-get install -y -q valgrind >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q valgrind >/dev/null 2>&1; }
fi
command -v valgrind >/dev/null || { echo "valgrind is required (apt-get install valgrind)" >&2; exit 2; }
[[ -x "$CREDWATCH" ]] || { echo "no release binary at $CREDWATCH (swift build -c release)" >&2; exit 2; }

# Valgrind cannot read the DWARF of Swift 6 release binaries: profile a copy without it (symbols
# stay), laid out like an install so that it finds the shipped packs (<bin>/../share/...).
P="$W/profile"
rm -rf "$P" && mkdir -p "$P/bin" "$P/share/credwatch"
cp "$CREDWATCH" "$P/bin/credwatch" && strip -g "$P/bin/credwatch"
ln -s "$root/Patterns" "$P/share/credwatch/patterns"

# Corpora: the bench's when `make bench` made them for this many accounts (its corpus.key),
# else made here with the same generators and seeds.
C="$W"
if ! grep -q " accounts=$ACCOUNTS " "$W/corpus.key" 2>/dev/null || [[ ! -s "$W/org-combo.txt" ]]; then
    C="$P"
    say "generating corpora for $ACCOUNTS accounts in $C"
    "${GEN[@]}" accounts --count "$ACCOUNTS" --seed 1 >"$C/accounts.csv"
    "${GEN[@]}" accounts --count "$ACCOUNTS" --seed 1 --plain >"$C/accounts.txt"
    "${GEN[@]}" org-combo --accounts "$C/accounts.csv" --passwords 5 --seed 1 >"$C/org-combo.txt"
fi
if [[ ! -s "$C/ulp.txt" ]] || (($(stat -c %s "$C/ulp.txt") < MB * 1000000)); then
    "${GEN[@]}" ulp --bytes "${MB}M" --seed 1 --accounts "$C/accounts.csv" --plant 200 | sed '$d' >"$P/ulp.part"
else
    head -c "$((MB * 1000000))" "$C/ulp.txt" | sed '$d' >"$P/ulp.part"  # whole lines only
fi
mv "$P/ulp.part" "$P/ulp.txt"
head -n "$FINDINGS" "$C/org-combo.txt" >"$P/findings.txt"
"${GEN[@]}" ulp --bytes "$(stat -c %s "$P/findings.txt")" --seed 3 | sed '$d' >"$P/findings-free.txt"
: >"$P/empty.txt"
cp "$root/Samples/accounts.csv" "$P/small-accounts.csv"

# One callgrind run: self instructions by function (demangled) into NAME.tsv, total into NAME.total.
profile() {  # profile NAME COMMAND...
    local name=$1
    shift
    say "callgrind: $name"
    CREDWATCH_FINGERPRINT_KEY=profile-fixed-key-profile-fixed-key SOURCE_DATE_EPOCH=1700000000 \
        valgrind --tool=callgrind --callgrind-out-file="$P/$name.out" "$@" >/dev/null 2>"$P/$name.log" || true
    grep -q "Collected" "$P/$name.log" || { cat "$P/$name.log" >&2; exit 1; }
    callgrind_annotate --threshold=100 "$P/$name.out" 2>/dev/null \
        | awk '/^ *[0-9,]+ +\([ 0-9.]+%\) +[^ ]/ { n = $1; gsub(",", "", n); $1 = ""; $2 = ""; sub(/^ +/, ""); print n "\t" $0 }' \
        | grep -v "PROGRAM TOTALS" >"$P/$name.raw"
    cut -f2 "$P/$name.raw" | sed -E 's/^[^:]*://; s/ \[[^]]*\]$//' \
        | { swift demangle --simplified 2>/dev/null || cat; } >"$P/$name.names"
    paste <(cut -f1 "$P/$name.raw") "$P/$name.names" >"$P/$name.tsv"
    grep "Collected" "$P/$name.log" | awk '{ n = $NF; gsub(",", "", n); print n }' >"$P/$name.total"
}

cw=("$P/bin/credwatch" scan)
org=(--org "$root/Samples/org.toml" --format jsonl --quiet --threads 1)
profile empty-small "${cw[@]}" "$P/empty.txt" --accounts "$P/small-accounts.csv" "${org[@]}"
profile empty "${cw[@]}" "$P/empty.txt" --accounts "$C/accounts.csv" "${org[@]}"
profile ulp "${cw[@]}" "$P/ulp.txt" --accounts "$C/accounts.csv" "${org[@]}"
profile findings "${cw[@]}" "$P/findings.txt" --accounts "$C/accounts.csv" "${org[@]}"
profile findings-free "${cw[@]}" "$P/findings-free.txt" --accounts "$C/accounts.csv" "${org[@]}"

anchor=""
if [[ -f "$PARSE_C_SOURCE" ]] && cc -O2 -march=native -pthread -o "$P/parse_c" "$PARSE_C_SOURCE" -lz -lisal -lpcre2-8 \
    2>"$P/parse_c.log"; then
    # Its start-up (reading the accounts) is taken out too, with a run on an empty file.
    profile anchor-empty "$P/parse_c" "$C/accounts.txt" plain "$P/empty.txt"
    profile anchor "$P/parse_c" "$C/accounts.txt" plain "$P/ulp.txt"
    anchor=$(($(cat "$P/anchor.total") - $(cat "$P/anchor-empty.total")))
else
    say "C anchor not built (see $P/parse_c.log): its row is skipped"
fi

python3 - "$P" "$(wc -l <"$P/ulp.txt")" "$ACCOUNTS" "$FINDINGS" "$TOP" "$anchor" "$RESULTS" "$MB" <<'PY'
import collections, datetime, sys
p, lines, accounts, findings, top, anchor, out, mb = sys.argv[1:]
lines, accounts, findings, top = int(lines), int(accounts), int(findings), int(top)

def costs(name):
    table = collections.Counter()
    for row in open(f"{p}/{name}.tsv", encoding="utf-8", errors="replace"):
        count, _, function = row.rstrip("\n").partition("\t")
        table[function[:110]] += int(count)
    return table

def total(name):
    return int(open(f"{p}/{name}.total").read())

text = [f"credwatch profile, {datetime.datetime.now():%Y-%m-%d %H:%M}: callgrind instructions (Ir), self cost by "
        "function, release build without DWARF, --threads 1, fixed fingerprint key. Instruction counts do not "
        "depend on the machine's load; times do (see results-latest.txt)."]

def table(title, work, base, units, label):
    diff = costs(work)
    diff.subtract(costs(base))
    per = total(work) - total(base)
    text.append("")
    text.append(f"{title}: {per / units:,.0f} instructions per {label} ({per:,} for {units:,} {label}s)")
    for function, count in sorted(diff.items(), key=lambda item: -item[1])[:top]:
        if count > 0:
            text.append(f"  {count / units:10,.0f}  {100 * count / per:5.1f}%  {function}")

table(f"ULP combolist ({mb} MB, {lines:,} lines)", "ulp", "empty", lines, "line")
if anchor:
    text.append(f"  C anchor (parse_c.c on the same file, less its run on an empty one): {int(anchor) / lines:,.0f} "
                "instructions per line")
table(f"Account export ({accounts:,} accounts, empty input)", "empty", "empty-small", accounts, "account")
table(f"Findings ({findings:,} lines of org-combo.txt, each a finding, less a findings-free file of the "
      "same size)", "findings", "findings-free", findings, "finding")
print("\n".join(text))
with open(out, "w", encoding="utf-8") as handle:
    handle.write("\n".join(text) + "\n")
PY
