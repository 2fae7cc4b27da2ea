#!/bin/sh
# Installs what is missing, builds, and starts studybot on the bundled knowledge
# base. With no arguments: `studybot serve`, with studybot.ini when it exists
# (copy config.example.ini and turn a platform on). Arguments are passed through:
#   sh scripts/run.sh chat          a console conversation
#   sh scripts/run.sh ask "emt vs emr?"
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target studybot >/dev/null
if [ $# -eq 0 ]; then
	if [ -f studybot.ini ]; then
		set -- serve --config studybot.ini
	else
		echo "run.sh: no studybot.ini: serving /healthz and /metrics only on 127.0.0.1:8080" >&2
		echo "run.sh: copy config.example.ini to studybot.ini and turn a platform on, or try: sh scripts/run.sh chat" >&2
		set -- serve
	fi
fi
exec ./build/studybot "$@"
