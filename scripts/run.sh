#!/bin/sh
# Installs what is missing, builds, and starts studybot on the bundled knowledge
# base. With no arguments: a console conversation (`studybot chat`); any arguments
# are passed through (e.g. `sh scripts/run.sh serve --config studybot.ini`).
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target studybot >/dev/null
[ $# -eq 0 ] && set -- chat
exec ./build/studybot "$@"
