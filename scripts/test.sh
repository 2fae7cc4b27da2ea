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

echo "== valgrind (unit tests)"
(cd build && ctest --output-on-failure -j"$jobs" -R '^test_' -E '^test_.*_(bb|blackbox)$' \
	--overwrite MemoryCheckCommandOptions="--leak-check=full --error-exitcode=99 --errors-for-leak-kinds=definite" \
	-T memcheck >/dev/null) || { echo "valgrind found errors"; exit 1; }
echo "valgrind: clean"
echo "all tests passed"
