#!/usr/bin/env python3
"""Resident memory of `studybot serve`, the way bench/run.py measures it (VmRSS of
/proc/PID/status), in two states:

  idle       the default config (config.example.ini's defaults; listen on a free
             loopback port), no platform
  connected  every platform that holds a connection open, connected to stand-ins
             on loopback (tests/integration/every_platform.py): Discord Gateway,
             Slack Socket Mode, Mattermost WebSocket, Telegram getUpdates, Zulip
             events, Matrix /sync

Each state is measured SETTLE seconds after start (connected: after /healthz shows
every link up), ROUNDS times; the median is printed with the min and max, and with
--breakdown where the pages are (heap, PCRE2 JIT, other anonymous, each library).
Several binaries are measured side by side, alternating, so a busy machine weighs
on each alike.

    python3 bench/rss.py build/studybot [/work/other/build/studybot ...] [--rounds 5] [--breakdown]
"""
import argparse
import collections
import os
import re
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
os.environ.setdefault("STUDYBOT_SRC", ROOT)
import bbutil  # noqa: E402
from every_platform import EveryPlatform  # noqa: E402

SETTLE_S = 3.0


def status_kb(pid, key="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def breakdown(pid):
    """resident kB by kind of mapping: [heap], JIT (anonymous rwx), other anonymous, each file"""
    out, name = collections.Counter(), None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                parts = line.split()
                path = parts[5] if len(parts) > 5 else ""
                name = (os.path.basename(path) if path.startswith("/") else path or
                        ("anonymous rwx (PCRE2 JIT)" if "x" in parts[1] else "anonymous"))
            elif line.startswith("Rss:"):
                out[name] += int(line.split()[1])
    return out


def measure(binary, state):
    bbutil.BOT = binary
    every = EveryPlatform() if state == "connected" else None
    s = bbutil.Serve(every.sections() if every else {})
    try:
        if every and not every.connect(s):
            raise RuntimeError(f"{binary}: not every link came up:\n" + s.log()[-2000:])
        time.sleep(SETTLE_S)
        return status_kb(s.proc.pid), breakdown(s.proc.pid), status_kb(s.proc.pid, "Threads")
    finally:
        s.stop()
        if every:
            every.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binaries", nargs="+")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--breakdown", action="store_true")
    a = ap.parse_args()
    bins = [os.path.abspath(b) for b in a.binaries]
    res = {(b, st): [] for b in bins for st in ("idle", "connected")}
    last = {}
    for _ in range(a.rounds):
        for st in ("idle", "connected"):
            for b in bins:
                rss, parts, threads = measure(b, st)
                res[(b, st)].append(rss)
                last[(b, st)] = (parts, threads)
    print(f"VmRSS of `studybot serve`, {a.rounds} rounds, {SETTLE_S:.0f} s after start (median [min-max])")
    for st in ("idle", "connected"):
        for b in bins:
            v = res[(b, st)]
            print(f"  {st:9s} {statistics.median(v) / 1024:6.1f} MB  [{min(v) / 1024:.1f}-{max(v) / 1024:.1f}]"
                  f"  threads {last[(b, st)][1]}  {b}")
    if a.breakdown:
        for (b, st), (parts, _) in last.items():
            print(f"\nresident kB by mapping, {st}, {b}:")
            for name, kb in parts.most_common():
                if kb:
                    print(f"  {kb:6d}  {name}")


if __name__ == "__main__":
    main()
