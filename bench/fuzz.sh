#!/bin/sh
# fuzz.sh - runs every libFuzzer target (tests/fuzz/fuzz_*.c) for SECONDS each, one
# after the other, one fuzzer process at a time, and merges what each found back into
# its seed corpus tests/fuzz/corpus/<target>/ (only inputs that add coverage, -merge=1).
#
#   sh bench/fuzz.sh [SECONDS] [TARGET...]      default: 600 s, every target
#
# Builds build-fuzz (clang, -DSTUDYBOT_FUZZ=ON: the core library instrumented, ASan +
# UBSan) if missing; BUILD=dir picks another. The fuzzers run in a temp folder under
# $TMPDIR; a dictionary tests/fuzz/dict/<target>.dict is used when present. A crash,
# leak or timeout is kept as tests/fuzz/corpus/<target>/crash-<sha1> (so the replay
# test fails until it is fixed; its log in $TMPDIR/studybot-fuzz-logs/) and the target resumes for the rest of its time.
# Prints one line per target: seconds, runs, exec/s, cov/ft at start and end, crashes.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECS=${1:-600}
[ $# -gt 0 ] && shift
BUILD=${BUILD:-$ROOT/build-fuzz}
MAX_SEEDS=${MAX_SEEDS:-300}        # a seed corpus stays small: CI replays every file

if [ $# -gt 0 ]; then
	TARGETS="$*"
else
	TARGETS=$(cd "$ROOT/tests/fuzz" && ls fuzz_*.c | sed 's/\.c$//')
fi
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
	cmake -S "$ROOT" -B "$BUILD" -DCMAKE_C_COMPILER=clang -DSTUDYBOT_FUZZ=ON >/dev/null
fi
# shellcheck disable=SC2086
cmake --build "$BUILD" -j2 --target $TARGETS >/dev/null

WORK=$(mktemp -d "${TMPDIR:-/tmp}/studybot-fuzz.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
LOGS=${TMPDIR:-/tmp}/studybot-fuzz-logs     # the log of each crash, kept
mkdir -p "$LOGS"
export STUDYBOT_SRC="$ROOT"

# the value after "key: " on a libFuzzer status line
field() { sed -n "s/.* $1: \([0-9]*\).*/\1/p"; }

printf '%-22s %6s %11s %8s %13s %13s %7s %6s\n' target seconds runs exec/s \
	"cov start" "cov end" "ft end" crashes
for t in $TARGETS; do
	bin=$BUILD/$t
	seeds=$ROOT/tests/fuzz/corpus/$t
	d=$WORK/$t
	mkdir -p "$d/corpus" "$d/artifacts" "$seeds"
	dict=
	[ -f "$ROOT/tests/fuzz/dict/$t.dict" ] && dict=-dict=$ROOT/tests/fuzz/dict/$t.dict
	start=$(date +%s)
	left=$SECS runs=0 crashes=0 n=0
	while [ "$left" -gt 0 ]; do
		n=$((n + 1))
		# shellcheck disable=SC2086
		(cd "$d" && "$bin" -max_total_time="$left" -timeout=10 -rss_limit_mb=2048 \
			-max_len=4096 -print_final_stats=1 -artifact_prefix="$d/artifacts/" \
			$dict "$d/corpus" "$seeds" >"$d/log.$n" 2>&1) || true
		r=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log.$n" | tail -n1)
		runs=$((runs + ${r:-0}))
		for a in "$d"/artifacts/*; do
			[ -f "$a" ] || continue
			crashes=$((crashes + 1))
			kind=$(basename "$a" | cut -d- -f1)
			sha=$(sha1sum "$a" | cut -c1-16)
			cp "$a" "$d/crash-$sha"      # into the seeds after the run, not to crash every restart
			cp "$d/log.$n" "$LOGS/$t-$kind-$sha.log"
			echo "  $t: $kind, input saved as tests/fuzz/corpus/$t/crash-$sha, log $LOGS/$t-$kind-$sha.log" >&2
			grep -m3 -E 'ERROR|SUMMARY|runtime error|deadly signal' "$d/log.$n" | sed 's/^/    /' >&2
			rm -f "$a"
		done
		left=$((SECS - ($(date +%s) - start)))
		[ "$n" -ge 50 ] && break           # crashing at once each time: stop
	done
	secs=$(($(date +%s) - start))
	for a in "$d"/crash-*; do
		[ -f "$a" ] && cp "$a" "$seeds/"
	done
	first=$(grep -h -m1 'INITED' "$d/log.1" || true)
	last=$(grep -h -E '^#[0-9]+' "$d/log.$n" | tail -n1)
	covs=$(echo "$first" | field cov)
	fts=$(echo "$first" | field ft)
	cove=$(echo "$last" | field cov)
	fte=$(echo "$last" | field ft)
	eps=$(( runs / (secs > 0 ? secs : 1) ))
	# keep what adds coverage (edges, not hit counts: the corpus stays small): the
	# named seeds stay, the found ones (named by their SHA-1) are minimised afresh
	mkdir -p "$d/merged" "$d/found"
	for f in "$seeds"/*; do
		[ -f "$f" ] || continue
		b=$(basename "$f")
		case $b in
		*[!0-9a-f]*) cp "$f" "$d/merged/" ;;
		*) if [ ${#b} -eq 40 ]; then mv "$f" "$d/found/"; else cp "$f" "$d/merged/"; fi ;;
		esac
	done
	"$bin" -merge=1 -use_counters=0 -max_len=4096 "$d/merged" "$d/found" "$d/corpus" \
		>"$d/merge.log" 2>&1 || cp "$d/found"/* "$seeds"/ 2>/dev/null || true
	for f in "$d/merged"/*; do
		[ -e "$seeds/$(basename "$f")" ] || cp "$f" "$seeds/"
	done
	nseeds=$(ls "$seeds" | wc -l)
	printf '%-22s %6s %11s %8s %13s %13s %7s %6s\n' "$t" "$secs" "$runs" "$eps" \
		"${covs:-?}/${fts:-?}" "${cove:-?}" "${fte:-?}" "$crashes"
	if [ "$nseeds" -gt "$MAX_SEEDS" ]; then
		echo "  $t: $nseeds seeds (over $MAX_SEEDS): minimise by hand" >&2
	fi
done
