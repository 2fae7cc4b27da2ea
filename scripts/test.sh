#!/bin/sh
# Installs what is missing, then builds and runs every test three ways:
#   1. gcc, -Werror                    (build/)
#   2. clang, -Werror, ASan + UBSan    (build-asan/)
#   3. valgrind --leak-check=full over the unit tests of build 1
# plus `studybot check` on the shipped knowledge base. Exits non-zero on any failure.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
jobs="$(nproc)"
# tests must never write into the checkout: what git does not track, before and after
stray() { git status --porcelain --ignored --untracked-files=all 2>/dev/null | grep '^[?!][?!]' | grep -v ' build[^/]*/' || true; }
stray_before="$(stray)"

echo "== gcc -Werror"
cmake -S . -B build -DCMAKE_C_COMPILER=gcc -DSTUDYBOT_WERROR=ON >/dev/null
cmake --build build -j"$jobs" >/dev/null
./build/studybot check
(cd build && ctest --output-on-failure -j"$jobs")

echo "== clang -Werror, ASan + UBSan"
cmake -S . -B build-asan -DCMAKE_C_COMPILER=clang -DSTUDYBOT_WERROR=ON \
	-DSTUDYBOT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$jobs" >/dev/null
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --output-on-failure -j"$jobs")

echo "== valgrind --leak-check=full (unit and regression tests)"
# every C test binary (the black-box tests are scripts), two at a time
(cd build && ctest -N | sed -n 's/^ *Test *#[0-9]*: \(test_[a-z0-9_]*\)$/\1/p') |
	while read -r t; do [ -x "build/$t" ] && echo "$t"; done |
	xargs -P "$jobs" -I{} sh -c 'STUDYBOT_SRC="$PWD" valgrind -q --leak-check=full --suppressions=tests/valgrind.supp \
		--errors-for-leak-kinds=definite --error-exitcode=99 "build/{}" >"build/valgrind-{}.log" 2>&1 ||
		{ echo "valgrind: {} failed (build/valgrind-{}.log):"; tail -30 "build/valgrind-{}.log"; exit 255; }'
echo "valgrind: clean"
if [ "$(stray)" != "$stray_before" ]; then
	echo "the tests wrote into the checkout:"
	stray | grep -vxF "$stray_before"
	exit 1
fi
echo "all tests passed"
