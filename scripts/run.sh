#!/bin/sh
# Installs what is missing, builds, and starts studybot on the bundled knowledge
# base. With no arguments: `studybot serve`, with studybot.ini when it exists
# (copy config.example.ini and turn a platform on), and says first where the web
# chat is (http://127.0.0.1:8080/ by default). Arguments are passed through:
#   sh scripts/run.sh chat          a console conversation
#   sh scripts/run.sh ask "emt vs emr?"
set -eu
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
	if [ -f studybot.ini ]; then
		echo "run.sh: serving with studybot.ini; the web chat is at the address the log's event=web line shows" >&2
	else
		echo "run.sh: the web chat will be at http://127.0.0.1:8080/ (this machine only); Ctrl-C stops it" >&2
	fi
fi
sh scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target studybot >/dev/null
if [ $# -eq 0 ]; then
	if [ -f studybot.ini ]; then
		set -- serve --config studybot.ini
	else
		echo "run.sh: no studybot.ini: the web chat, /healthz and /metrics on 127.0.0.1:8080; to add a chat" >&2
		echo "run.sh: platform, copy config.example.ini to studybot.ini and turn it on (or try: sh scripts/run.sh chat)" >&2
		set -- serve
	fi
fi
exec ./build/studybot "$@"
