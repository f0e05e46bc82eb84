#!/usr/bin/env bash
# The Spark driver against one process, byte for byte (part of `make test`, as `make test-spark`).
#
# Installs what it needs when missing — Debian's OpenJDK 17 (apt) and PySpark from PyPI into the
# project-local virtual environment .venv-spark — then generates a synthetic corpus (zipped
# stealer folders, a tarball, a gzip combolist and a plain combolist the driver splits into at
# least 4 ranges) and checks that `spark-submit --master local[2]` gives the report and the reset
# list one `credwatch scan` gives. Any failure fails the test: it is never skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${CREDWATCH:-$PWD/.build/debug/credwatch}
PYSPARK_VERSION=4.0.1
VENV=.venv-spark

[ -x "$BIN" ] || { echo "test-spark: $BIN is missing: build first (swift build)"; exit 1; }

if ! java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])'; then
    echo "test-spark: installing openjdk-17-jre-headless"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless
fi
if ! "$VENV/bin/python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$PYSPARK_VERSION')" 2>/dev/null; then
    echo "test-spark: installing pyspark $PYSPARK_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "pyspark==$PYSPARK_VERSION"
fi

# The report time is fixed: the single scan and the merge run at different seconds.
export SOURCE_DATE_EPOCH=1732084200

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
chmod 700 "$WORK"
head -c 32 /dev/urandom > "$WORK/key" && chmod 600 "$WORK/key"

# The corpus: the samples' victim folder zipped under 12 names (one exposure, many sources), the
# samples' pack, tarball and gzip combolist, and a plain combolist: the gzip one 8 times, then its
# organisation lines 120 times (more than 100 sources for some exposures, so the cap is merged
# across ranges), with CRLF lines and no final LF.
python3 - "$WORK/corpus" <<'PY'
import gzip, os, shutil, sys, zipfile
corpus = sys.argv[1]
logs = "Samples/logs"
os.makedirs(os.path.join(corpus, "dumps"))
victim = next(name for name in os.listdir(logs) if name.startswith("FR["))
for index in range(12):
    with zipfile.ZipFile(os.path.join(corpus, "dumps", "victim-%02d.zip" % index), "w", zipfile.ZIP_DEFLATED) as archive:
        for root, _, files in os.walk(os.path.join(logs, victim)):
            for name in sorted(files):
                full = os.path.join(root, name)
                archive.write(full, os.path.join("FR_%02d" % index, os.path.relpath(full, os.path.join(logs, victim))))
for name in ("pack-2024-11.zip", "victim-FR-2024-11-07.tar.gz"):
    shutil.copy(os.path.join(logs, name), os.path.join(corpus, "dumps", name))
shutil.copy(os.path.join(logs, "combolist.txt.gz"), os.path.join(corpus, "combolist.txt.gz"))
text = gzip.open(os.path.join(logs, "combolist.txt.gz")).read()
crlf = text.replace(b"\n", b"\r\n", 200)
with open(os.path.join(corpus, "big-combolist.txt"), "wb") as out:
    for round in range(8):
        out.write(crlf if round % 2 else text)
    ours = [line for line in text.splitlines(True) if b"clinique-exemple" in line][:30]
    out.write(b"".join(ours) * 120)
    out.write(b"https://mediboard.clinique-exemple.fr/:agarnier:last-line-no-lf")
PY

SIZE=$(stat -c %s "$WORK/corpus/big-combolist.txt")
RANGE=$(( SIZE / 5 + 1 ))   # 5 ranges
ARGS=(--accounts Samples/accounts.csv --org Samples/org.toml --fingerprint-key-file "$WORK/key" --format jsonl)
INPUTS=("$WORK/corpus/dumps" "$WORK/corpus/combolist.txt.gz" "$WORK/corpus/big-combolist.txt")

set +e
"$BIN" scan "${INPUTS[@]}" "${ARGS[@]}" --output "$WORK/single.jsonl" --reset-list "$WORK/single-reset.csv" --quiet
single=$?
start=$(date +%s.%N)
PATH="$PWD/$VENV/bin:$PATH" CREDWATCH="$BIN" "$VENV/bin/spark-submit" --master 'local[2]' \
    --conf spark.ui.enabled=false --conf spark.log.level=WARN \
    Scale/spark/credwatch_spark.py -- "${INPUTS[@]}" "${ARGS[@]}" --range-size "$RANGE" \
    --output "$WORK/spark.jsonl" --reset-list "$WORK/spark-reset.csv" --quiet 2> "$WORK/spark.log"
spark=$?
end=$(date +%s.%N)
set -e

fail() { echo "test-spark: FAILED: $*"; tail -n 30 "$WORK/spark.log"; exit 1; }
[ "$single" = 1 ] || fail "the single scan exited $single, not 1"
[ "$spark" = 1 ] || fail "the Spark run exited $spark, not 1"
cmp "$WORK/single.jsonl" "$WORK/spark.jsonl" || fail "the Spark report differs from the single scan's"
cmp "$WORK/single-reset.csv" "$WORK/spark-reset.csv" || fail "the Spark reset list differs from the single scan's"
[ "$(stat -c %a "$WORK/spark.jsonl")" = 600 ] || fail "the report is not 0600"
findings=$(wc -l < "$WORK/spark.jsonl")
[ "$findings" -ge 20 ] || fail "only $findings findings"
grep -q '"sources_omitted"' "$WORK/spark.jsonl" || fail "no finding lists more than 100 sources: the corpus does not test the cap"
ranges=$(( (SIZE + RANGE - 1) / RANGE ))
[ "$ranges" -ge 4 ] || fail "the plain combolist was split into $ranges ranges, fewer than 4"
printf 'test-spark: passed: %d findings, the same bytes from one process and from Spark local[2] (%d tasks of ranges on a %d-byte combolist; %.1f s)\n' \
    "$findings" "$ranges" "$SIZE" "$(awk "BEGIN { print $end - $start }")"
