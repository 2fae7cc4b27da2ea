#!/bin/sh
# Installs, with apt-get, whatever of studybot's build and test dependencies is
# missing on a Debian 12 machine. Does nothing when all are present.
set -eu
PKGS="gcc clang libclang-rt-14-dev cmake make pkg-config python3 valgrind \
libpcre2-dev libcjson-dev libcurl4-openssl-dev libssl-dev libinih-dev libcmocka-dev libwebsockets-dev openssl chromium"
[ -n "${STUDYBOT_EXTRA_PKGS:-}" ] && PKGS="$PKGS $STUDYBOT_EXTRA_PKGS"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "setup: installing$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
