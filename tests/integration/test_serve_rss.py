#!/usr/bin/env python3
"""Resident memory of `studybot serve` (VmRSS, as bench/run.py and bench/rss.py
measure it), a few seconds after start:

- idle, with the default config and no platform: under IDLE_MAX_KB;
- with every platform that holds a connection open connected to stand-ins
  (every_platform.py: Discord Gateway, Slack Socket Mode, Mattermost WebSocket,
  Telegram getUpdates, Zulip events, Matrix /sync): under CONNECTED_MAX_KB.

The bars are what this build holds plus some room (idle 7.5 MB - it was 6.6 MB at
the bar's first setting, 7.3 MB before the sixth session's knowledge grew to 429
patterns and 65 topics, +0.2 MB of compiled patterns on the heap - bar 7.8 MB, under
the 8 MB target; connected 16.2 MB with Mattermost's WebSocket as a sixth link, bar
17.2; a loaded machine adds up to 0.3 MB), so bringing back the tables resident at
their cap (the delivery ids and the conversations, cleared by calloc in the
heap: +3.3 MB idle), the CA bundle parsed into a store
per WebSocket client (+2.1 MB connected), every pattern JIT-compiled at load
(+1.6 MB idle), OpenSSL and libwebsockets linked instead of loaded on first use
(+2 MB idle), libm linked (+0.5 MB) or GnuTLS initialised by its
constructor (+0.6 MB connected) fails here; the idle process is also
checked to map none of libcrypto, libssl, libwebsockets, libcurl and libm, and to
hold little JIT code. The targets (8 MB idle, 10 MB connected) are printed beside
the figures. Under ASan the figures mean nothing: skipped."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import BOT, Results, Serve  # noqa: E402
from every_platform import EveryPlatform  # noqa: E402

R = Results()
IDLE_MAX_KB = 7 * 1024 + 820
CONNECTED_MAX_KB = 17 * 1024 + 200
GNUTLS_MAX_KB = 800               # initialised by its constructor: about 1,100 kB
JIT_IDLE_MAX_KB = 512              # every pattern JIT-compiled: about 1,700 kB
# loaded when first needed (libm: only while the knowledge's model is built)
LOADED_ON_USE = ("libcrypto.so", "libssl.so", "libwebsockets.so", "libcurl.so", "libm.so")
TARGET_IDLE_KB, TARGET_CONNECTED_KB = 8 * 1024, 10 * 1024
SETTLE_S = 2.0
with open(BOT, "rb") as _f:
    ASAN = b"__asan_init" in _f.read()


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def mapped(pid):
    """the files mapped, and the resident kB of anonymous rwx mappings (PCRE2 JIT code)"""
    files, jit, rwx = set(), 0, False
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            parts = line.split()
            if parts and "-" in parts[0] and len(parts) >= 5 and not parts[0].endswith(":"):
                rwx = len(parts) == 5 and parts[1].startswith("rwx")
                if len(parts) > 5:
                    files.add(os.path.basename(parts[5]))
            elif rwx and line.startswith("Rss:"):
                jit += int(parts[1])
    return files, jit


def resident_kb(pid, prefix):
    """resident kB of the mappings of the files whose names start with prefix"""
    kb, mine = 0, False
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            parts = line.split()
            if parts and "-" in parts[0] and len(parts) >= 5 and not parts[0].endswith(":"):
                mine = len(parts) > 5 and os.path.basename(parts[5]).startswith(prefix)
            elif mine and line.startswith("Rss:"):
                kb += int(parts[1])
    return kb


def figure(what, kb, bar, target):
    print(f"figure: RSS {what} {kb / 1024:.1f} MB (bar {bar / 1024:.1f} MB, target {target / 1024:.0f} MB)")


def test_idle():
    s = Serve({})
    try:
        time.sleep(SETTLE_S)
        kb = rss_kb(s.proc.pid)
        files, jit = mapped(s.proc.pid)
        figure("idle", kb, IDLE_MAX_KB, TARGET_IDLE_KB)
        R.check(f"idle, default config: RSS under {IDLE_MAX_KB // 1024} MB", 0 < kb < IDLE_MAX_KB, kb)
        for lib in LOADED_ON_USE:
            R.check(f"idle: {lib} not loaded (loaded on first use)",
                    not any(f.startswith(lib) for f in files), sorted(files))
        R.check(f"idle: JIT code under {JIT_IDLE_MAX_KB} kB (patterns JIT-compiled once they run often)",
                jit < JIT_IDLE_MAX_KB, jit)
    finally:
        R.check("idle: exits 0", s.stop() == 0)


def test_connected():
    every = EveryPlatform()
    s = Serve(every.sections())
    try:
        up = every.connect(s)
        R.check("every platform connected", up, s.log()[-1500:])
        if not up:
            return
        time.sleep(SETTLE_S)
        R.check("still connected after settling", every.links_up(s), s.log()[-1500:])
        kb = rss_kb(s.proc.pid)
        figure("with every platform connected", kb, CONNECTED_MAX_KB, TARGET_CONNECTED_KB)
        R.check(f"every platform connected: RSS under {CONNECTED_MAX_KB / 1024:.1f} MB",
                0 < kb < CONNECTED_MAX_KB, kb)
        # libcurl's librtmp brings GnuTLS; initialised by its constructor it holds
        # about 1.1 MB, left alone (curl_api_prepare) about 0.5 MB
        gnutls = resident_kb(s.proc.pid, "libgnutls")
        R.check(f"GnuTLS (loaded with libcurl, never used) left uninitialised: {gnutls} kB resident",
                gnutls < GNUTLS_MAX_KB, gnutls)
    finally:
        R.check("connected: exits 0", s.stop() == 0)
        every.close()


def main():
    if ASAN:
        print("skipped: RSS under ASan is its shadow memory, not the bot's")
        R.finish()
    R.run((), test_idle, test_connected)
    R.finish()


main()
