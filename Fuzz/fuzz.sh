#!/bin/sh
# Builds and runs credwatch's libFuzzer targets (see Fuzz/README.md).
#
#   Fuzz/fuzz.sh build                      build every target (libFuzzer + AddressSanitizer)
#   Fuzz/fuzz.sh run SECONDS [Target...]    run each target (all when none is named) SECONDS
#
# Environment: SWIFT (swift), FUZZ_BUILD (scratch path, .build-fuzz), FUZZ_CORPUS (Fuzz/corpus),
# FUZZ_ARTIFACTS (Fuzz/artifacts). Exits non-zero when a target crashes, leaks, times out or
# runs out of memory; the input that did it is in FUZZ_ARTIFACTS/<Target>/.
set -eu
fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$fuzz")
swift=${SWIFT:-swift}
build=${FUZZ_BUILD:-$root/.build-fuzz}
corpus=${FUZZ_CORPUS:-$fuzz/corpus}
artifacts=${FUZZ_ARTIFACTS:-$fuzz/artifacts}
all_targets="FuzzZip FuzzInflate FuzzTar FuzzText FuzzStealerRecords FuzzSystemInfo FuzzCookies FuzzComboLines
FuzzCandidates FuzzURL FuzzAccounts FuzzProfile FuzzPatterns FuzzWalker"

# The largest input each target is given: archives need room for a few members; a URL, a
# profile or a record does not.
max_len() {
	case $1 in
	FuzzZip | FuzzInflate | FuzzTar | FuzzText) echo 65536 ;;
	FuzzURL) echo 4096 ;;
	*) echo 16384 ;;
	esac
}

# Flags of one target. TOMLKit leaks each parse tree (Fuzz/lsan.supp): libFuzzer would run a full,
# suppressed leak scan after every input of the TOML targets, so they do not look for leaks.
target_flags() {
	case $1 in
	FuzzProfile | FuzzPatterns) echo "-max_len=$(max_len "$1") -detect_leaks=0" ;;
	*) echo "-max_len=$(max_len "$1")" ;;
	esac
}

build() {
	log=$(mktemp)
	# gold warns about every ASan symbol it cannot export: noise, filtered out.
	if ! "$swift" build --package-path "$fuzz" --scratch-path "$build" -c debug \
		-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >"$log" 2>&1; then
		grep -v "Cannot export local symbol" "$log" >&2
		rm -f "$log"
		exit 1
	fi
	grep -E "warning: " "$log" | grep -v "Cannot export local symbol" >&2 || true
	rm -f "$log"
}

run() {
	seconds=$1
	shift
	targets=${*:-$all_targets}
	[ -d "$corpus" ] || "$fuzz/seed.sh" "$corpus"
	binaries=$build/debug
	failed=""
	printf '%-20s %10s %12s %8s %8s  %s\n' target seconds executions exec/s rss_mb result
	for target in $targets; do
		mkdir -p "$corpus/$target" "$artifacts/$target"
		log="$artifacts/$target.log"
		status=0
		SWIFT_BACKTRACE=enable=no LSAN_OPTIONS="suppressions=$fuzz/lsan.supp" \
			"$binaries/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
			$(target_flags "$target") -artifact_prefix="$artifacts/$target/" -print_final_stats=1 \
			"$corpus/$target" >"$log" 2>&1 || status=$?
		executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
		rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
		result=ok
		if [ "$status" -ne 0 ]; then
			result="FAILED (status $status): see $log and $artifacts/$target/"
			failed="$failed $target"
		fi
		printf '%-20s %10s %12s %8s %8s  %s\n' "$target" "$seconds" "${executions:-?}" "${speed:-?}" "${rss:-?}" "$result"
	done
	# The plain closing line CI reads: every target is one check.
	set -- $targets
	total=$#
	set -- $failed
	echo "fuzz: $((total - $#)) passed, $# failed"
	if [ -n "$failed" ]; then
		for target in $failed; do
			echo "== $target" >&2
			grep -E -A12 "ERROR|invariant broken|Assertion|Fatal error|deadly signal|Test unit written" \
				"$artifacts/$target.log" | head -n 40 >&2
		done
		exit 1
	fi
}

case ${1:-} in
build) build ;;
run)
	shift
	[ $# -ge 1 ] || { echo "usage: $0 run SECONDS [Target...]" >&2; exit 2; }
	run "$@"
	;;
*)
	echo "usage: $0 build | run SECONDS [Target...]" >&2
	exit 2
	;;
esac
