#!/bin/sh
# Every benchmark in one command: the in-process benches (bench_ask, bench_reload,
# bench_journal), whole-process `studybot ask --json` beside NLP.js, start-up time,
# idle and loaded RSS, and webhook throughput and latency with the default config
# (logging on) beside nginx serving a fixed body and a Node.js peer running the same
# regexes, all on loopback in the same run. Writes docs/performance.md (the block
# between its bench markers) and, with gnuplot, docs/performance-latency.png.
#
#   sh bench/run.sh            the full run (about 10 minutes; on an idle machine)
#   sh bench/run.sh --quick    every step, shorter (about 2 minutes): proves it works
#   options: --out FILE (instead of docs/performance.md), --plot FILE, --no-install
#
# Missing tools are installed when possible (apt-get: wrk, nginx, gnuplot-nox; npm:
# @nlpjs/basic into ~/.cache/studybot-bench); a step whose tool is still missing is
# skipped with a message, and the report says so.
set -eu
cd "$(dirname "$0")/.."
install=1
for a in "$@"; do [ "$a" = "--no-install" ] && install=0; done
if [ "$install" = 1 ]; then
	extra="wrk nginx gnuplot-nox"
	command -v node >/dev/null || extra="$extra nodejs"
	command -v npm >/dev/null || extra="$extra npm"
	STUDYBOT_EXTRA_PKGS="$extra" sh scripts/setup.sh ||
		echo "bench: could not install every tool; the steps that need a missing one are skipped" >&2
	NLPJS_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/studybot-bench/nlpjs"
	if command -v npm >/dev/null && [ ! -d "$NLPJS_DIR/node_modules/@nlpjs/basic" ]; then
		mkdir -p "$NLPJS_DIR"
		(cd "$NLPJS_DIR" && npm install --no-audit --no-fund --silent @nlpjs/basic@4 >/dev/null 2>&1) ||
			echo "bench: npm could not install @nlpjs/basic; the NLP.js column is skipped" >&2
	fi
fi
BUILD="${BUILD:-build-bench}"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target studybot bench_ask bench_reload bench_journal >/dev/null
exec python3 bench/run.py --build "$BUILD" "$@"
