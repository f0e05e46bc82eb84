#!/usr/bin/env bash
# credwatch throughput and memory benchmark, side by side with the anchors of
# performance-anchors.md. Called by `make bench`; see Benchmarks/README.md for what each row means.
#
# Environment (defaults in brackets):
#   BENCH_DIR        corpora and scratch files, generated once and reused    [/tmp/credwatch-bench]
#   BENCH_MB         ULP combolist size, MB (10^6 B)                         [1000]
#   BENCH_ACCOUNTS   accounts in the AD export                               [100000]
#   BENCH_BIG_ACCOUNTS  accounts in the large export (load time); 0 skips it    [1000000]
#   BENCH_VICTIMS    victims (zips) in the stealer tree                      [10000]
#   BENCH_PLANT      org credentials planted in the combolist                [200]
#   BENCH_RUNS       timed runs per row, after one warm-up; median reported  [3]
#   BENCH_TIMEOUT    seconds before a row is cut off                         [600]
#   BENCH_STREAM_MB  streamed input for the memory check; 0 skips it         [10000]
#   CREDWATCH        the binary                                              [.build/release/credwatch]
#   CREDWATCH_ARGS   extra arguments for every scan                          [--org Samples/org.toml]
#   BENCH_RESULTS    where the table is also written                         [Benchmarks/results-latest.txt]
#   PARSE_C_SOURCE   the C anchor parser, built with the system cc           [../shared/anchors/parse_c.c]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
W=${BENCH_DIR:-/tmp/credwatch-bench}
MB=${BENCH_MB:-1000}
ACCOUNTS=${BENCH_ACCOUNTS:-100000}
BIG_ACCOUNTS=${BENCH_BIG_ACCOUNTS:-1000000}
export BENCH_ACCOUNTS=$ACCOUNTS BENCH_BIG_ACCOUNTS=$BIG_ACCOUNTS  # for the table's labels
VICTIMS=${BENCH_VICTIMS:-10000}
PLANT=${BENCH_PLANT:-200}
RUNS=${BENCH_RUNS:-3}
TIMEOUT=${BENCH_TIMEOUT:-600}
STREAM_MB=${BENCH_STREAM_MB:-10000}
CREDWATCH=${CREDWATCH:-$root/.build/release/credwatch}
read -r -a CW_ARGS <<<"${CREDWATCH_ARGS:---org $root/Samples/org.toml}"
RESULTS=${BENCH_RESULTS:-$here/results-latest.txt}
GEN=(python3 "$here/gen_corpus.py")

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# --- tools ---------------------------------------------------------------------------------
missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
command -v pigz >/dev/null || missing+=(pigz)
command -v rg >/dev/null || missing+=(ripgrep)
[[ -x /usr/bin/time ]] || missing+=(time)
command -v igzip >/dev/null || missing+=(isal)
if ((${#missing[@]})) && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    say "installing ${missing[*]}"
    apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; } \
        || say "could not install ${missing[*]}; those rows are skipped"
fi
[[ -x /usr/bin/time ]] || { echo "GNU time (/usr/bin/time) is required for peak RSS" >&2; exit 2; }
has() { command -v "$1" >/dev/null; }

if [[ -x "$CREDWATCH" ]]; then
    have_credwatch=1
else
    have_credwatch=0
    say "credwatch binary not found at $CREDWATCH (build it: swift build -c release)."
    say "Running the anchors only; credwatch rows and the memory check are skipped."
fi

# The C anchor (shared/anchors/parse_c.c, a measuring stick, not project code): a plain native
# ULP parser, built here with the system's cc. Without it (no source, no cc, no ISA-L or PCRE2
# headers) its rows and the targets quoted against it are skipped.
PARSE_C_SOURCE=${PARSE_C_SOURCE:-$(dirname "$root")/shared/anchors/parse_c.c}
parse_c=""
mkdir -p "$W"
if [[ ! -f "$PARSE_C_SOURCE" ]]; then
    say "C anchor not found at $PARSE_C_SOURCE: its rows are skipped"
elif cc -O2 -march=native -pthread -o "$W/parse_c" "$PARSE_C_SOURCE" -lz -lisal -lpcre2-8 2>"$W/parse_c.log"; then
    parse_c="$W/parse_c"
else
    say "C anchor could not be built (cc -O2 -march=native -pthread parse_c.c -lz -lisal -lpcre2-8; see $W/parse_c.log): its rows are skipped"
fi

# What else ran: the load before this script added its own, and /proc/stat to tell how much
# CPU time the hypervisor gave to other guests while it ran (steal; noisy neighbours).
export BENCH_LOAD_BEFORE BENCH_STAT_BEFORE
BENCH_LOAD_BEFORE=$(cut -d' ' -f2 /proc/loadavg 2>/dev/null || echo "?")
BENCH_STAT_BEFORE=$(head -1 /proc/stat 2>/dev/null || true)

# --- corpora (generated once per parameter set) ----------------------------------------------
mkdir -p "$W/cmd" "$W/stats"
generators=$(cat "$here/gen_corpus.py" "$root/Samples/synthlogs.py" "$root/Samples/org.toml" | sha256sum | cut -c1-16)
corpus_key="mb=$MB accounts=$ACCOUNTS big=$BIG_ACCOUNTS victims=$VICTIMS plant=$PLANT generators=$generators"
if [[ "$(cat "$W/corpus.key" 2>/dev/null)" != "$corpus_key" ]]; then
    say "generating corpora in $W ($corpus_key)"
    rm -rf "$W/tree" "$W"/ulp* "$W"/accounts* "$W/corpus.key"
    "${GEN[@]}" accounts --count "$ACCOUNTS" --seed 1 >"$W/accounts.csv"
    "${GEN[@]}" accounts --count "$ACCOUNTS" --seed 1 --plain >"$W/accounts.txt"
    if ((BIG_ACCOUNTS > 0)); then "${GEN[@]}" accounts --count "$BIG_ACCOUNTS" --seed 2 >"$W/accounts-big.csv"; fi
    start=$(date +%s.%N)
    "${GEN[@]}" ulp --bytes "${MB}M" --seed 1 --accounts "$W/accounts.csv" --plant "$PLANT" \
        --manifest "$W/ulp.manifest.json" >"$W/ulp.txt"
    say "ulp: $(awk -v s="$start" -v e="$(date +%s.%N)" -v b="$MB" 'BEGIN { printf "%.0f MB/s generated", b / (e - s) }')"
    if has pigz; then pigz -6 -c "$W/ulp.txt" >"$W/ulp.txt.gz"; else gzip -6 -c "$W/ulp.txt" >"$W/ulp.txt.gz"; fi
    head -c 100000000 "$W/ulp.txt" >"$W/ulp-100M.txt"
    "${GEN[@]}" stealer-tree --victims "$VICTIMS" --seed 1 --accounts "$W/accounts.csv" --out "$W/tree"
    # Findings-heavy: the organisation's user table leaked (every account on a platform, five
    # passwords each: one finding a line), and a findings-free combolist of the same size.
    "${GEN[@]}" org-combo --accounts "$W/accounts.csv" --passwords 5 --seed 1 --manifest "$W/org-combo.manifest.json" \
        >"$W/org-combo.txt"
    "${GEN[@]}" ulp --bytes "$(stat -c %s "$W/org-combo.txt")" --seed 3 >"$W/ulp-same-size.txt"
    : >"$W/empty.txt"
    echo "$corpus_key" >"$W/corpus.key"
fi
ulp_bytes=$(stat -c %s "$W/ulp.txt")
gz_bytes=$(stat -c %s "$W/ulp.txt.gz")
tree_bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bytes"])' "$W/tree.manifest.json")
small_bytes=$(stat -c %s "$W/ulp-100M.txt")
combo_bytes=$(stat -c %s "$W/org-combo.txt")
combo_findings=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lines"])' "$W/org-combo.manifest.json")

# --- measuring -------------------------------------------------------------------------------
# Each row is a small script run under GNU time (peak RSS, user+sys CPU of every process in it,
# exit status); wall time comes from hyperfine (median), or from our own loop without it.
: >"$W/results.tsv"

bench() {  # bench ID GROUP INPUT BYTES LABEL COMMAND
    local id=$1 group=$2 input=$3 bytes=$4 label=$5 command=$6
    local script="$W/cmd/$id.sh" stats="$W/stats/$id" walls="$W/stats/$id.wall"
    printf 'set -o pipefail\n%s\n' "$command" >"$script"
    : >"$stats"
    : >"$walls"
    say "$label"
    local timed=(/usr/bin/time -f '%M %U %S %x' -a -o "$stats" bash "$script")
    if has hyperfine; then
        hyperfine --runs "$RUNS" --warmup 1 --ignore-failure --style none --export-json "$W/stats/$id.json" \
            "${timed[*]@Q}" >/dev/null
        python3 -c 'import json,sys; print(*json.load(open(sys.argv[1]))["results"][0]["times"], sep="\n")' \
            "$W/stats/$id.json" >"$walls"
    else
        "${timed[@]}" || true  # warm-up
        : >"$stats"
        for ((i = 0; i < RUNS; i++)); do
            local t0 t1
            t0=$(date +%s.%N)
            "${timed[@]}" || true
            t1=$(date +%s.%N)
            awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >>"$walls"
        done
    fi
    python3 - "$id" "$group" "$input" "$bytes" "$label" "$stats" "$walls" "$RUNS" >>"$W/results.tsv" <<'PY'
import statistics, sys
id_, group, input_, size, label, stats, walls, count = sys.argv[1:]
# GNU time adds "Command exited with non-zero status N" lines; the last `count` others are the
# timed runs (a warm-up run under hyperfine comes first).
runs = [line.split() for line in open(stats) if line.strip() and not line.startswith("Command")][-int(count):]
wall = statistics.median(float(x) for x in open(walls) if x.strip())
cpu = statistics.median(float(u) + float(s) for _, u, s, _ in runs) if runs else 0
rss = max(int(m) for m, *_ in runs) if runs else 0
status = "timeout" if any(x == "124" for *_, x in runs) else "ok"
print(id_, group, input_, size, f"{wall:.4f}", f"{cpu:.4f}", rss, status, label, sep="\t")
PY
}

# Paths as they appear in the row scripts (quoted for the shell).
printf -v ulp '%q' "$W/ulp.txt"
printf -v ulp_gz '%q' "$W/ulp.txt.gz"
printf -v tree '%q' "$W/tree"
printf -v accounts_txt '%q' "$W/accounts.txt"
cw() { printf '%q ' "$CREDWATCH" scan "$@" --accounts "$W/accounts.csv" "${CW_ARGS[@]}" --format jsonl --quiet; }
# The 1-thread rows run on one core: with --threads 1 alone, the reader (inflate, decoding) still
# runs beside the worker on the second core, and scaling would be measured from 1.6 cores.
if has taskset; then
    one_core="taskset -c 0 "
    one_label="credwatch, one core (--threads 1)"
else
    one_core=""
    one_label="credwatch --threads 1"
fi
cw_rows() {  # cw_rows ID GROUP INPUT BYTES PATH: the one-core and the 2-thread rows
    bench "$1-t1" "$2" "$3" "$4" "$one_label" "$one_core$(cw "$5" --threads 1) > /dev/null"
    bench "$1-t2" "$2" "$3" "$4" "credwatch --threads 2" "$(cw "$5" --threads 2) > /dev/null"
}
base=(python3 "$here/baseline_split.py" --accounts "$W/accounts.csv")
baseline() { printf '%q ' "${base[@]}" "$@"; }

# Plain combolist.
bench cat ulp plain "$ulp_bytes" "cat > /dev/null" "cat $ulp > /dev/null"
bench py-split ulp plain "$ulp_bytes" "python3 baseline_split.py (str.split)" "$(baseline "$W/ulp.txt") > /dev/null"
# GNU grep behaves like -q when its output is /dev/null: pipe it (performance-anchors.md).
bench grep ulp plain "$ulp_bytes" "grep -F -c -f accounts.txt" \
    "timeout $TIMEOUT grep -F -c -f $accounts_txt $ulp | cat > /dev/null"
has rg && bench rg ulp plain "$ulp_bytes" "rg -F -c -f accounts.txt" \
    "timeout $TIMEOUT rg -F -c -f $accounts_txt $ulp | cat > /dev/null"
if [[ -n "$parse_c" ]]; then
    printf -v parse_c_q '%q' "$parse_c"
    bench c-plain ulp plain "$ulp_bytes" "C anchor parse_c.c, one core" \
        "${one_core}$parse_c_q $accounts_txt plain $ulp > /dev/null 2>&1"
fi
if ((have_credwatch)); then
    cw_rows cw-plain ulp plain "$ulp_bytes" "$W/ulp.txt"
fi

# The same combolist, gzip'd.
has pigz && bench pigz ulp gz "$ulp_bytes" "pigz -dc > /dev/null" "pigz -dc $ulp_gz > /dev/null"
has igzip && bench igzip ulp gz "$ulp_bytes" "igzip -dc > /dev/null" "igzip -dc $ulp_gz > /dev/null"
[[ -n "$parse_c" ]] && bench c-gz ulp gz "$ulp_bytes" "C anchor parse_c.c, ISA-L on a 2nd thread" \
    "$parse_c_q $accounts_txt isal2t $ulp_gz > /dev/null 2>&1"
bench gzip ulp gz "$ulp_bytes" "gzip -dc > /dev/null" "gzip -dc $ulp_gz > /dev/null"
bench py-split-gz ulp gz "$ulp_bytes" "python3 baseline_split.py (gzip module)" "$(baseline "$W/ulp.txt.gz") > /dev/null"
if ((have_credwatch)); then
    cw_rows cw-gz ulp gz "$ulp_bytes" "$W/ulp.txt.gz"
    # The portable inflate backend (the same as above when ISA-L was not built in).
    bench cw-gz-zlib ulp gz "$ulp_bytes" "credwatch --threads 2, zlib inflate" \
        "CREDWATCH_INFLATE=zlib $(cw "$W/ulp.txt.gz" --threads 2) > /dev/null"
fi

# Stealer-log tree: one zip per victim.
bench tree-cat tree zips "$tree_bytes" "cat *.zip > /dev/null" "find $tree -name '*.zip' -exec cat {} + > /dev/null"
bench py-tree tree zips "$tree_bytes" "python3 baseline_split.py (zipfile + labels)" "$(baseline "$W/tree") > /dev/null"
if ((have_credwatch)); then
    cw_rows cw-tree tree zips "$tree_bytes" "$W/tree"
    # Memory: 100 MB, then a much larger stream, then the account export alone.
    bench cw-100M memory plain "$small_bytes" "credwatch, $((small_bytes / 1000000)) MB file" "$(cw "$W/ulp-100M.txt") > /dev/null"
    bench cw-accounts memory none 0 "credwatch, load $ACCOUNTS accounts, empty input" "$(cw "$W/empty.txt") > /dev/null"
    printf -v small_export '%q' "$root/Samples/accounts.csv"
    bench cw-empty memory none 0 "credwatch, empty input, Samples/accounts.csv" \
        "$(printf '%q ' "$CREDWATCH" scan "$W/empty.txt" --accounts "$root/Samples/accounts.csv" "${CW_ARGS[@]}" \
            --format jsonl --quiet) > /dev/null"
fi

# Findings-heavy: every line a finding (sorting, merging and writing findings), against a
# findings-free file of the same size (parsing alone), both on two threads.
if ((have_credwatch)); then
    bench cw-findings findings org-combo "$combo_bytes" "credwatch, $combo_findings findings (org-combo)" \
        "$(cw "$W/org-combo.txt" --threads 2) > /dev/null"
    bench cw-findings-free findings same-size "$combo_bytes" "credwatch, findings-free file of the same size" \
        "$(cw "$W/ulp-same-size.txt" --threads 2) > /dev/null"
fi
# Loading account exports, against Python's csv module reading the same file (every row, nothing
# else): the load is a scan of an empty input.
py_csv='import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8-sig") as handle:
    for row in csv.reader(handle):
        pass'
csv_rows() {  # csv_rows ID FILE COUNT
    bench "py-csv-$1" memory none 0 "python3 csv.reader, $3 accounts" "$(printf '%q ' python3 -c "$py_csv" "$2")"
    if ((have_credwatch)); then
        bench "cw-load-$1" memory none 0 "credwatch, load $3 accounts, empty input" \
            "$(printf '%q ' "$CREDWATCH" scan "$W/empty.txt" --accounts "$2" "${CW_ARGS[@]}" --format jsonl --quiet) > /dev/null"
    fi
}
csv_rows small "$W/accounts.csv" "$ACCOUNTS"
if ((BIG_ACCOUNTS > 0)); then csv_rows big "$W/accounts-big.csv" "$BIG_ACCOUNTS"; fi

# --- the big stream (one run: it is bounded by the generator) --------------------------------
stream_line=""
stream_rss=""  # not measured (BENCH_STREAM_MB=0)
if ((have_credwatch)) && ((STREAM_MB > 0)); then
    say "memory check: ${STREAM_MB} MB streamed through stdin"
    t0=$(date +%s.%N)
    set +e
    "${GEN[@]}" ulp --bytes "${STREAM_MB}M" --seed 2 --accounts "$W/accounts.csv" --plant 20 \
        | /usr/bin/time -f '%M' -o "$W/stats/stream" "$CREDWATCH" scan - --accounts "$W/accounts.csv" "${CW_ARGS[@]}" \
            --format jsonl --quiet >/dev/null
    set -e
    t1=$(date +%s.%N)
    stream_rss=$(tail -n1 "$W/stats/stream")
    stream_line=$(awk -v mb="$STREAM_MB" -v a="$t0" -v b="$t1" -v rss="$stream_rss" \
        'BEGIN { printf "%d MB through stdin in %.1f s (%.0f MB/s, bounded by the generator), " \
                 "credwatch peak RSS %.1f MB", mb, b - a, mb / (b - a), rss / 1024 }')
fi

# --- did it find what was planted? -----------------------------------------------------------
planted_lines=()
if ((have_credwatch)); then
    set +e
    eval "$(cw "$W/ulp.txt" --threads 2)" >"$W/findings-ulp.jsonl"
    eval "$(cw "$W/tree" --threads 2)" >"$W/findings-tree.jsonl"
    set -e
    mapfile -t planted_lines < <(python3 - "$W" <<'PY'
import json, sys
w = sys.argv[1]
def findings(name):
    out = []
    for line in open(f"{w}/{name}", encoding="utf-8"):
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    return out
for corpus, manifest in (("ulp", "ulp.manifest.json"), ("tree", "tree.manifest.json")):
    planted = json.load(open(f"{w}/{manifest}"))["planted"]
    seen = {(f.get("account"), f.get("platform")) for f in findings(f"findings-{corpus}.jsonl") if f.get("kind") == "credential"}
    found = sum((p["account"], p["platform"]) in seen for p in planted)
    print(f"{corpus}: {found} of {len(planted)} planted credentials reported as credential findings")
PY
)
fi

# --- table -------------------------------------------------------------------------------------
python3 - "$W/results.tsv" "$ulp_bytes" "$gz_bytes" "$tree_bytes" "$RESULTS" "$TIMEOUT" "$stream_line" "$stream_rss" \
    "${planted_lines[@]}" <<'PY'
import datetime, os, platform, sys
tsv, ulp_bytes, gz_bytes, tree_bytes, out_path, timeout, stream, stream_rss, *planted = sys.argv[1:]
rows = [line.rstrip("\n").split("\t") for line in open(tsv) if line.strip()]

def mbps(size, wall):
    return int(size) / 1e6 / float(wall) if float(wall) > 0 else 0

# credwatch's best MB/s per input (the --threads 2 row when there is one) is the reference.
best = {}
for id_, group, input_, size, wall, *_ in rows:
    if id_.startswith("cw-") and group != "memory":
        best[input_] = max(best.get(input_, 0), mbps(size, wall))

def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()

def steal_share():
    """Share of CPU time the hypervisor gave to other guests since the script started."""
    try:
        before = [int(v) for v in os.environ["BENCH_STAT_BEFORE"].split()[1:9]]
        after = [int(v) for v in open("/proc/stat").readline().split()[1:9]]
    except (KeyError, OSError, ValueError):
        return None
    total = sum(after) - sum(before)
    return (after[7] - before[7]) / total if total > 0 else None

steal = steal_share()
lines = [
    f"credwatch benchmark, {datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs ({cpu_model()}); "
    f"load average before the run {os.environ.get('BENCH_LOAD_BEFORE', '?')} (5 min; above 0.5 other work "
    "competed)" + ("" if steal is None else f"; CPU time stolen by the hypervisor during the run {steal:.0%} "
    "(other guests: above a few % every figure here is lower and noisier)"),
    f"corpora: ULP {int(ulp_bytes)/1e6:,.0f} MB plain / {int(gz_bytes)/1e6:,.0f} MB gzip -6; "
    f"stealer tree {int(tree_bytes)/1e6:,.0f} MB uncompressed. MB/s = uncompressed 10^6 B per wall second, "
    "median of the runs; cores = (user+sys)/wall; RSS = peak of the largest process.",
    "",
    f"{'input':<7} {'command':<44} {'MB/s':>8} {'cores':>6} {'peak RSS':>10} {'credwatch ÷':>12}",
    f"{'-'*7} {'-'*44} {'-'*8} {'-'*6} {'-'*10} {'-'*12}",
]
for id_, group, input_, size, wall, cpu, rss, status, label in rows:
    rate = mbps(size, wall)
    if group == "memory":
        shown = f"{float(wall):.2f} s" if int(size) == 0 else f"{rate:,.0f}"
    elif status == "timeout":
        shown = f"<{int(size) / 1e6 / float(timeout):,.1f}"
    else:
        shown = f"{rate:,.0f}" if rate >= 100 else f"{rate:,.1f}"
    ratio = f"{best[input_] / rate:.2f}×" if input_ in best and rate > 0 and status == "ok" and group != "memory" else ""
    cores = f"{float(cpu) / float(wall):.2f}" if float(wall) > 0 else ""
    tag = {"ulp": "plain" if input_ == "plain" else "gz", "tree": "zips", "memory": "memory",
           "findings": "finding"}[group]
    lines.append(f"{tag:<7} {label:<44} {shown:>8} {cores:>6} {int(rss)/1024:>7.1f} MB {ratio:>12}"
                 + ("  (timed out)" if status == "timeout" else ""))
if not any(r[0].startswith("cw-") for r in rows):
    lines += ["", "credwatch: not measured (no release binary; build with `swift build -c release`)."]
if stream:
    lines += ["", "memory check: " + stream]
    small = [int(r[6]) for r in rows if r[0] == "cw-100M"]
    if small and small[0] > 0 and stream_rss.isdigit():
        growth = int(stream_rss) / small[0]
        verdict = "flat" if growth < 1.25 else "GROWS with the input"
        lines.append(f"  peak RSS streamed / 100 MB file = {growth:.2f} ({verdict})")
if planted:
    lines += [""] + [f"planted check: {p}" for p in planted]

# The targets of the throughput issue, each with its measured figure.
by_id = {r[0]: r for r in rows}
def rate_of(id_):
    r = by_id.get(id_)
    return mbps(r[3], r[4]) if r and r[7] == "ok" else None
def wall_of(id_):
    r = by_id.get(id_)
    return float(r[4]) if r else None
def rss_mb(id_):
    r = by_id.get(id_)
    return int(r[6]) / 1024 if r else None
def target(name, value, goal, met, unit=""):
    if value is None:
        lines.append(f"  {name:<58} {'not measured':>14}")
    else:
        lines.append(f"  {name:<58} {value:>12,.2f}{unit:<2} goal {goal:<10} {'met' if met(value) else 'NOT MET'}")
def ratio(a, b):
    return a / b if a and b else None
startup = wall_of("cw-accounts")
def stage_rate(id_, size):
    wall = wall_of(id_)
    return int(size) / 1e6 / (wall - startup) if wall and startup is not None and wall > startup else None
lines += ["", "targets (2 cores):"]
target("plain, --threads 1 / C anchor on one core", ratio(rate_of("cw-plain-t1"), rate_of("c-plain")), ">= 1.0",
       lambda v: v >= 1.0, "x")
target("plain, --threads 2 / C anchor on one core", ratio(rate_of("cw-plain-t2"), rate_of("c-plain")), ">= 1.8",
       lambda v: v >= 1.8, "x")
target("gzip, --threads 2 / igzip -dc", ratio(rate_of("cw-gz-t2"), rate_of("igzip")), ">= 0.85",
       lambda v: v >= 0.85, "x")
target("plain, --threads 2, MB/s", rate_of("cw-plain-t2"), ">= 1000", lambda v: v >= 1000)
target("plain, --threads 2 / one core", ratio(rate_of("cw-plain-t2"), rate_of("cw-plain-t1")), ">= 1.8",
       lambda v: v >= 1.8, "x")
s1, s2 = stage_rate("cw-plain-t1", ulp_bytes), stage_rate("cw-plain-t2", ulp_bytes)
if s1 and s2:
    lines.append(f"    scan stage alone (wall less the {startup:.2f} s start-up): {s1:,.0f} and {s2:,.0f} MB/s, "
                 f"{s2 / s1:.2f}x")
target("gzip, --threads 2 / pigz -dc", ratio(rate_of("cw-gz-t2"), rate_of("pigz")), ">= 0.9", lambda v: v >= 0.9, "x")
target("stealer tree, --threads 2 / one core", ratio(rate_of("cw-tree-t2"), rate_of("cw-tree-t1")), ">= 1.8",
       lambda v: v >= 1.8, "x")
target("findings-heavy / findings-free file of the same size (wall)",
       ratio(wall_of("cw-findings"), wall_of("cw-findings-free")), "<= 10", lambda v: v <= 10, "x")
target("peak RSS, findings-heavy, MB", rss_mb("cw-findings"), "<= 400", lambda v: v <= 400)
target("peak RSS, 100 MB file, MB", rss_mb("cw-100M"), "<= 200", lambda v: v <= 200)
if stream_rss.isdigit():
    target("peak RSS, streamed input, MB", int(stream_rss) / 1024, "<= 200", lambda v: v <= 200)
target("start-up with the account export (empty input), s", startup, "< 0.5", lambda v: v < 0.5, "s")
target("empty input, small export, s", wall_of("cw-empty"), "< 0.2", lambda v: v < 0.2, "s")
big = os.environ.get("BENCH_BIG_ACCOUNTS", "1000000")
target(f"load {big} accounts / python csv.reader reading them", ratio(wall_of("cw-load-big"), wall_of("py-csv-big")),
       "<= 0.5", lambda v: v <= 0.5, "x")
target(f"load {big} accounts, peak RSS, MB", rss_mb("cw-load-big"), "<= 250", lambda v: v <= 250)
target(f"load {os.environ.get('BENCH_ACCOUNTS', '100000')} accounts (empty input), s", wall_of("cw-load-small"),
       "<= 0.1", lambda v: v <= 0.1, "s")
load_alone = (wall_of("cw-load-small") - wall_of("cw-empty")) if wall_of("cw-load-small") and wall_of("cw-empty") else None
target("  the same less the start-up with a small export, s", load_alone, "<= 0.1", lambda v: v <= 0.1, "s")
small_ratio = ratio(wall_of("cw-load-small"), wall_of("py-csv-small"))
if small_ratio:
    lines.append(f"    (load {os.environ.get('BENCH_ACCOUNTS', '100000')} accounts / python csv.reader reading them: "
                 f"{small_ratio:.2f}x)")
target("plain, --threads 2 / python str.split", ratio(rate_of("cw-plain-t2"), rate_of("py-split")), ">= 20",
       lambda v: v >= 20, "x")
target("plain, --threads 2 / grep -F -f", ratio(rate_of("cw-plain-t2"), rate_of("grep")), ">= 8",
       lambda v: v >= 8, "x")
text = "\n".join(lines) + "\n"
print(text)
with open(out_path, "w", encoding="utf-8") as handle:
    handle.write(text)
PY
