#!/usr/bin/env python3
"""The benchmarks of bench/run.sh (which installs the tools and builds first).

Each step prints what it measured and adds rows to the report; a step whose tool
is missing is skipped with a message. The report replaces the block between
BEGIN/END markers of docs/performance.md (the rest of the file is kept), and
gnuplot draws p50/p99 latency against offered load for the bot, nginx and Node.
Everything runs on loopback; every run is bounded in time.
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BEGIN = "<!-- bench/run.sh: BEGIN (generated, do not edit by hand) -->"
END = "<!-- bench/run.sh: END -->"
TOKEN = "bench-token"
NLPJS = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                     "studybot-bench", "nlpjs", "node_modules")


class Report:
    def __init__(self):
        self.parts = []
        self.skipped = []

    def section(self, title, text=""):
        self.parts.append(f"### {title}\n\n{text}".rstrip() + "\n")

    def table(self, head, rows):
        out = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
        out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
        self.parts.append("\n".join(out) + "\n")

    def note(self, text):
        self.parts.append(text.rstrip() + "\n")

    def skip(self, what, why):
        print(f"bench: skipped {what}: {why}", file=sys.stderr)
        self.skipped.append(f"{what}: {why}")


def say(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def run(cmd, timeout, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, **kw)


def fmt(x, nd=0):
    if x is None:
        return "—"
    return f"{x:,.{nd}f}"


def ratio(a, b, nd=2):
    return f"{a / b:.{nd}f}×" if a and b else "—"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(port, path="/healthz", timeout=20.0):
    """seconds until GET path answers on port, or None"""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
                if s.recv(64).startswith(b"HTTP/1."):
                    return time.monotonic() - t0
        except OSError:
            pass
        time.sleep(0.005)
    return None


def rss_kb(pid, key="VmRSS"):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def children(pid):
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
        return [int(x) for x in out.split()]
    except OSError:
        return []


# ---------------------------------------------------------------- in-process benches

def in_process(a, rep):
    say("in-process: bench_ask")
    env = dict(os.environ, BENCH_QUICK="1" if a.quick else "0")
    p = run([f"{a.build}/bench_ask"], 600, env=env)
    rows = []
    for line in p.stdout.splitlines():
        m = re.match(r"(\S.*?)\s+(\d+) topics\s+(\d+) patterns\s+(\d+) questions/s\s+p50\s+([\d.]+) us\s+p99\s+([\d.]+) us", line)
        if m:
            rows.append([m.group(1), m.group(2), m.group(3), fmt(int(m.group(4))), m.group(5) + " µs",
                         m.group(6) + " µs"])
    rep.section("Matcher in-process (`bench_ask`)",
                "Normalise, focus, spell, patterns, the model and the answer composed, one core. "
                "Bar: ≥ 300,000 questions/s on the shipped knowledge, p99 < 20 µs.")
    rep.table(["knowledge base", "topics", "patterns", "questions/s", "p50", "p99"], rows)
    say("in-process: bench_reload")
    p = run([f"{a.build}/bench_reload", "data", "intents", "3" if a.quick else "15"], 1200, env=env)
    rows = []
    for line in p.stdout.splitlines():
        m = re.match(r"BAR (.*): median ([\d.]+) ms, target < (\d+) ms: (\S+)", line)
        if m:
            rows.append([m.group(1), m.group(2) + " ms", "< " + m.group(3) + " ms", m.group(4)])
    cold = re.search(r"first load \+ check, nothing live: ([\d.]+) ms", p.stdout)
    rep.section("Reload (`bench_reload`)", "A reload as `serve` does it, the previous snapshot live; median. "
                f"First load of the shipped knowledge (start-up): {cold.group(1) if cold else '—'} ms.")
    rep.table(["knowledge base", "reload", "bar", ""], rows)
    if a.quick:
        rep.skip("bench_journal", "not run in --quick mode")
        return
    say("in-process: bench_journal")
    p = run([f"{a.build}/bench_journal"], 1200)
    rep.section("Journal (`bench_journal`)", "```\n" + p.stdout.strip() + "\n```")


# ---------------------------------------------------------------- whole process: ask --json

def questions(n):
    qs = []
    topics = os.path.join(ROOT, "data", "topics")
    for f in sorted(os.listdir(topics)):
        if f.endswith(".json"):
            with open(os.path.join(topics, f)) as fh:
                qs += json.load(fh).get("examples", [])
    qs += ["what is the capital of france", "how do i bake bread", "tell me a joke",
           "what dose of epinephrine for anaphylaxis"]
    rnd = random.Random(10)
    return [qs[rnd.randrange(len(qs))] for _ in range(n)]


def timed(cmd, stdin_path, timeout, env=None, cwd=None):
    """wall seconds of cmd reading stdin_path, its stdout discarded (None if it failed)"""
    with open(stdin_path) as fin:
        t0 = time.monotonic()
        p = subprocess.run(cmd, stdin=fin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=timeout, env=env, cwd=cwd or ROOT)
        dt = time.monotonic() - t0
    if p.returncode != 0:
        say(f"{cmd[0]} failed: {p.stderr[-300:]}")
        return None
    return dt


def whole_process(a, rep, tmp):
    n = 10000 if a.quick else 100000
    reps = 1 if a.quick else 3
    qpath = os.path.join(tmp, "questions.txt")
    with open(qpath, "w") as f:
        f.write("\n".join(questions(n)) + "\n")
    bot = f"{a.build}/studybot"
    say(f"whole process: ask --json over {n:,} questions")
    res = {}
    for name, cmd, env, cwd in [
        ("studybot ask --json", [bot, "ask", "--json"], None, None),
        ("studybot ask (text)", [bot, "ask"], None, None),
        ("NLP.js (@nlpjs/basic)", ["node", os.path.join(ROOT, "bench", "nlpjs_ask.js"), os.path.join(ROOT, "data")],
         dict(os.environ, NODE_PATH=NLPJS), tmp),
    ]:
        if name.startswith("NLP.js") and not (shutil.which("node") and os.path.isdir(NLPJS + "/@nlpjs/basic")):
            rep.skip("NLP.js", "node or @nlpjs/basic missing")
            continue
        times = [t for t in (timed(cmd, qpath, 1800, env, cwd) for _ in range(reps)) if t]
        res[name] = min(times) if times else None
    ref = res.get("NLP.js (@nlpjs/basic)")
    rows = [[k, fmt(v, 2) + " s" if v else "—", fmt(n / v) if v else "—", ratio(ref, v) if k != "NLP.js (@nlpjs/basic)" else "1.00×"]
            for k, v in res.items()]
    rep.section(f"Whole process: {n:,} questions on stdin, one JSON answer a line",
                "Start-up and loading included; NLP.js is trained at start on every topic's example questions "
                f"(`bench/nlpjs_ask.js`). Best of {reps}. Bar: `ask --json` ≥ 10× NLP.js.")
    rep.table(["program", "wall time", "questions/s", "× NLP.js (time)"], rows)
    return res


def startup(a, rep, tmp):
    say("start-up")
    bot = f"{a.build}/studybot"
    k = 3 if a.quick else 15
    one = []
    for _ in range(k):
        t0 = time.monotonic()
        run([bot, "ask", "emt vs emr"], 60)
        one.append(time.monotonic() - t0)
    rows = [["`studybot ask \"emt vs emr\"` (load, answer, exit)", fmt(statistics.median(one) * 1000, 1) + " ms"]]
    if shutil.which("node") and os.path.isdir(NLPJS + "/@nlpjs/basic"):
        qp = os.path.join(tmp, "one.txt")
        with open(qp, "w") as f:
            f.write("emt vs emr\n")
        t = [timed(["node", os.path.join(ROOT, "bench", "nlpjs_ask.js"), os.path.join(ROOT, "data")], qp, 120,
                   dict(os.environ, NODE_PATH=NLPJS), tmp) for _ in range(max(1, k // 3))]
        t = [x for x in t if x]
        if t:
            rows.append(["NLP.js: train on the examples, answer one, exit", fmt(statistics.median(t) * 1000, 1) + " ms"])
    rep.section("Start-up", f"Median of {k} runs.")
    rep.table(["what", "time"], rows)
    return rows


# ---------------------------------------------------------------- servers

class Servers:
    """nginx (fixed body), studybot serve (default config + a generic token, logging
    on), studybot with log_level=warn, and the Node peer, each on its own port"""

    def __init__(self, a, tmp):
        self.a, self.tmp, self.procs, self.ports, self.ready = a, tmp, {}, {}, {}
        self.logs = {}

    def start_bot(self, name, extra=""):
        port = free_port()
        ini = os.path.join(self.tmp, f"{name}.ini")
        with open(ini, "w") as f:
            f.write(f"[server]\nlisten = 127.0.0.1:{port}\nworkers = 2\n{extra}"
                    f"[generic]\ntoken = {TOKEN}\n"
                    f"[bot]\nunanswered_log = {self.tmp}/{name}-unanswered.jsonl\n"
                    f"history = {self.tmp}/{name}-history.jsonl\n")
        log = open(os.path.join(self.tmp, f"{name}.log"), "w")
        t0 = time.monotonic()
        p = subprocess.Popen([f"{self.a.build}/studybot", "serve", "--config", ini], stdout=log,
                             stderr=log, cwd=ROOT)
        self.procs[name], self.ports[name], self.logs[name] = p, port, log.name
        r = wait_http(port)
        self.ready[name] = None if r is None else time.monotonic() - t0
        return r is not None

    def start_nginx(self):
        if not shutil.which("nginx"):
            return False
        port = free_port()
        conf = os.path.join(self.tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""worker_processes 2;
pid {self.tmp}/nginx.pid;
error_log {self.tmp}/nginx.err;
daemon off;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {self.tmp}/nginx-body;
  server {{
    listen 127.0.0.1:{port};
    location / {{ default_type application/json;
      return 200 '{{"text":"EMR training runs from 24 to 60 hours."}}'; }}
  }}
}}
""")
        t0 = time.monotonic()
        self.procs["nginx"] = subprocess.Popen(["nginx", "-c", conf, "-e", f"{self.tmp}/nginx.err"],
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.ports["nginx"] = port
        r = wait_http(port, "/")
        self.ready["nginx"] = None if r is None else time.monotonic() - t0
        return r is not None

    def start_node(self):
        if not shutil.which("node"):
            return False
        port = free_port()
        t0 = time.monotonic()
        self.procs["node"] = subprocess.Popen(["node", "bench/http/node_server.js", str(port), "intents"],
                                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.ports["node"] = port
        r = wait_http(port, "/")
        self.ready["node"] = None if r is None else time.monotonic() - t0
        return r is not None

    def rss(self, name):
        p = self.procs.get(name)
        if not p:
            return None
        pids = [p.pid] + children(p.pid)
        vals = [rss_kb(x) for x in pids]
        return sum(v for v in vals if v) or None

    def stop(self):
        for name, p in self.procs.items():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM if name != "nginx" else signal.SIGQUIT)
        for p in self.procs.values():
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def wrk(port, conns, secs, close=False, threads=2):
    """requests/s, p50 ms, p99 ms, errors (non-2xx + socket errors) of one wrk run"""
    env = dict(os.environ, CLOSE="1" if close else "0")
    cmd = ["wrk", f"-t{min(threads, conns)}", f"-c{conns}", f"-d{secs}s", "--latency", "-s",
           os.path.join(ROOT, "bench", "http", "post.lua"), f"http://127.0.0.1:{port}/webhook"]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=secs + 60)
    out = p.stdout

    def lat(pct):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return None
        return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(int(x) for x in sock.groups()) if sock else 0)
    return {"rps": float(rps.group(1)) if rps else None, "p50": lat(50), "p99": lat(99), "errors": errors}


def webhooks(a, rep, tmp):
    if not shutil.which("wrk"):
        rep.skip("webhook throughput", "wrk missing (apt-get install wrk)")
        return None
    s = Servers(a, tmp)
    try:
        ok_bot = s.start_bot("studybot") and s.start_bot("studybot-warn", "log_level = warn\n")
        if not ok_bot:
            rep.skip("webhook throughput", "studybot serve did not start: " + open(s.logs["studybot"]).read()[-300:])
            return None
        if not s.start_nginx():
            rep.skip("nginx column", "nginx missing or did not start")
        if not s.start_node():
            rep.skip("Node column", "node missing or did not start")
        time.sleep(0.5)
        idle = {n: s.rss(n) for n in s.procs}
        secs = 3 if a.quick else 10
        results = {}
        for close in (False, True):
            for name in ["nginx", "studybot", "studybot-warn", "node"]:
                if name in s.procs:
                    say(f"webhook: {name} {'Connection: close' if close else 'keep-alive'}, 64 connections, {secs} s")
                    results[(name, close)] = wrk(s.ports[name], 64, secs, close)
        loaded = {n: s.rss(n) for n in s.procs}
        hwm = rss_kb(s.procs["studybot"].pid, "VmHWM")
        curve = latency_curve(a, s)
        loglines = sum(1 for line in open(s.logs["studybot"]) if "event=http " in line)
    finally:
        s.stop()
    report_webhooks(a, rep, results, secs, loglines)
    report_memory(rep, s, idle, loaded, hwm)
    plot(a, rep, curve, tmp)
    return results


def report_webhooks(a, rep, results, secs, loglines):
    rows = []
    for close in (False, True):
        ng = (results.get(("nginx", close)) or {}).get("rps")
        nd = (results.get(("node", close)) or {}).get("rps")
        for name, label in [("nginx", "nginx, fixed body"), ("studybot", "studybot, default config (log info)"),
                            ("studybot-warn", "studybot, log_level = warn"), ("node", "Node.js, same regexes")]:
            r = results.get((name, close))
            if not r:
                continue
            rows.append(["Connection: close" if close else "keep-alive", label, fmt(r["rps"]),
                         fmt(r["p50"], 2) + " ms" if r["p50"] is not None else "—",
                         fmt(r["p99"], 2) + " ms" if r["p99"] is not None else "—", r["errors"],
                         ratio(r["rps"], ng), ratio(r["rps"], nd, 1)])
    rep.section("Webhooks: `POST /webhook` (generic platform), wrk 2 threads × 64 connections",
                f"{secs} s a run, one after the other in the same run, all on loopback; studybot with "
                "`workers = 2` and otherwise the default config (one `key=value` log line per request, on "
                f"stderr to a file: {loglines:,} `event=http` lines written), nginx `worker_processes 2` with "
                "its access log off, Node.js `http` running the intents' regexes one after another "
                "(`bench/http/node_server.js`). Bars: ≥ 0.8× nginx keep-alive, ≥ 0.9× with `Connection: close`, "
                "≥ 12× Node, 0 errors, p99 < 5 ms.")
    rep.table(["connections", "server", "req/s", "p50", "p99", "errors", "× nginx", "× Node"], rows)


def report_memory(rep, s, idle, loaded, hwm):
    rows = []
    for name, label in [("studybot", "studybot serve (2 workers)"), ("nginx", "nginx (master + 2 workers)"),
                        ("node", "Node.js peer")]:
        if name in idle:
            rows.append([label, fmt((idle[name] or 0) / 1024, 1) + " MB", fmt((loaded[name] or 0) / 1024, 1) + " MB",
                         fmt(s.ready.get(name, 0) * 1000, 0) + " ms" if s.ready.get(name) else "—"])
    rep.section("Memory and readiness",
                "`VmRSS` from /proc after start (idle) and after the webhook runs (loaded); studybot's peak "
                f"(`VmHWM`) {fmt((hwm or 0) / 1024, 1)} MB. Ready: from exec until `GET /healthz` (nginx, "
                "Node: `GET /`) answers. Bar: idle RSS < 8 MB.")
    rep.table(["server", "idle RSS", "loaded RSS", "ready"], rows)


def latency_curve(a, s):
    conns = [4, 64] if a.quick else [1, 4, 16, 64, 128, 256]
    secs = 2 if a.quick else 5
    curve = {}
    for name in ["studybot", "nginx", "node"]:
        if name not in s.procs:
            continue
        for c in conns:
            say(f"latency curve: {name}, {c} connections")
            curve[(name, c)] = wrk(s.ports[name], c, secs)
    return curve


def plot(a, rep, curve, tmp):
    names = sorted({n for n, _ in curve})
    rows = []
    for (n, c), r in sorted(curve.items()):
        rows.append([n, c, fmt(r["rps"]), fmt(r["p50"], 3) if r["p50"] is not None else "—",
                     fmt(r["p99"], 3) if r["p99"] is not None else "—"])
    rep.section("Latency against offered load (keep-alive)",
                "wrk is a closed loop: the offered load is the number of connections, each sending its next "
                "request when the answer to the last arrives. Latency in ms.")
    rep.table(["server", "connections", "req/s", "p50 ms", "p99 ms"], rows)
    if not shutil.which("gnuplot"):
        rep.skip("plot", "gnuplot missing (apt-get install gnuplot-nox)")
        return
    dat = []
    for n in names:
        path = os.path.join(tmp, f"{n}.dat")
        with open(path, "w") as f:
            for (m, c), r in sorted(curve.items()):
                if m == n and r["p50"] is not None:
                    f.write(f"{c} {r['p50']} {r['p99']} {r['rps'] or 0}\n")
        dat.append((n, path))
    lines = []
    colours = {"studybot": "#1f77b4", "nginx": "#2ca02c", "node": "#d62728"}
    for n, path in dat:
        col = colours.get(n, "#000000")
        lines.append(f"'{path}' using 1:2 with linespoints lw 2 lc rgb '{col}' title '{n} p50'")
        lines.append(f"'{path}' using 1:3 with linespoints lw 2 dt 2 lc rgb '{col}' title '{n} p99'")
    script = f"""set terminal pngcairo size 900,560 font ',11' noenhanced
set output '{a.plot}'
set title 'POST /webhook latency against offered load (wrk keep-alive, loopback, {time.strftime('%Y-%m-%d')})'
set xlabel 'concurrent connections (offered load)'
set ylabel 'latency (ms)'
set logscale xy
set grid
set key top left
plot {", ".join(lines)}
"""
    p = subprocess.run(["gnuplot"], input=script, capture_output=True, text=True, timeout=60)
    if p.returncode != 0 and "pngcairo" in p.stderr:
        p = subprocess.run(["gnuplot"], input=script.replace("pngcairo", "png"), capture_output=True, text=True,
                           timeout=60)
    if p.returncode != 0:
        rep.skip("plot", p.stderr.strip()[-300:])
        return
    rel = os.path.relpath(a.plot, os.path.dirname(os.path.abspath(a.out)))
    rep.note(f"\n![p50 and p99 latency against offered load]({rel})\n")


# ---------------------------------------------------------------- the report

def write(a, rep, started):
    head = [BEGIN, "", "## The last run of `sh bench/run.sh" + (" --quick" if a.quick else "") + "`", ""]
    load = os.getloadavg()
    cpu = ""
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    commit = run(["git", "rev-parse", "--short", "HEAD"], 10).stdout.strip()
    head.append(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started))}, commit {commit}, "
                f"{os.cpu_count()} cores ({cpu}), load average at the start {load[0]:.2f}, "
                f"{'QUICK mode: short runs, figures only show that every step works' if a.quick else 'full mode'}"
                f"; took {time.time() - started:.0f} s. Every figure beside its reference was measured in the "
                "same run. Regenerate: `sh bench/run.sh` (writes this block and the plot).")
    head.append("")
    body = "\n".join(rep.parts)
    if rep.skipped:
        body += "\n**Skipped:** " + "; ".join(rep.skipped) + "\n"
    block = "\n".join(head) + "\n" + body + "\n" + END
    old = open(a.out).read() if os.path.exists(a.out) else "# Performance\n\n"
    if BEGIN in old and END in old:
        new = old[:old.index(BEGIN)] + block + old[old.index(END) + len(END):]
    else:
        first = old.find("\n\n")
        new = old[:first + 2] + block + "\n\n" + old[first + 2:] if first >= 0 else old + "\n" + block + "\n"
    with open(a.out, "w") as f:
        f.write(new)
    say(f"wrote {a.out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-install", action="store_true")
    ap.add_argument("--build", default="build-bench")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "performance.md"))
    ap.add_argument("--plot", default=os.path.join(ROOT, "docs", "performance-latency.png"))
    a = ap.parse_args()
    a.build = os.path.abspath(os.path.join(ROOT, a.build))
    a.out, a.plot = os.path.abspath(a.out), os.path.abspath(a.plot)
    started = time.time()
    rep = Report()
    tmp = tempfile.mkdtemp(prefix="studybot-bench-")
    try:
        in_process(a, rep)
        whole_process(a, rep, tmp)
        startup(a, rep, tmp)
        webhooks(a, rep, tmp)
    finally:
        write(a, rep, started)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
