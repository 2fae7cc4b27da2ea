#!/bin/sh
# reload_under_load.sh - does a knowledge reload make any request fail or wait?
# Starts `serve` (2 workers, generic webhook) on a temp COPY of data/ + intents/ and
# runs wrk (bench/http/post.lua, --latency) three times for SECONDS each:
#   quiet     nothing else happens (the baseline)
#   reloads   every 200 ms: SIGHUP, and a topic file rewritten (renamed into place,
#             its answer alternating, so inotify fires and each reload really swaps)
#   edits     every 200 ms: a moderator's `!kb answer` through the webhook (what a
#             chat edit costs the requests around it)
# and prints, per run: requests, non-2xx, socket errors, latency percentiles, and
# the reloads counted by /metrics. Any non-2xx or socket error is a bug.
#
#   sh bench/http/reload_under_load.sh [SECONDS] [CONNECTIONS]
#   STUDYBOT=build-x/studybot sh bench/http/reload_under_load.sh     (default build/studybot)
#
# Needs wrk, curl and python3. Exits 1 when a run had failed requests.
set -eu
cd "$(dirname "$0")/../.."
DUR=${1:-10}
CONNS=${2:-32}
BOT=${STUDYBOT:-build/studybot}
[ -x "$BOT" ] || { echo "no $BOT: build it, or set STUDYBOT" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 2; }
T=$(mktemp -d)
LOOP_PID=
cleanup() {
	[ -n "$LOOP_PID" ] && kill "$LOOP_PID" 2>/dev/null || true
	[ -f "$T/serve.pid" ] && kill "$(cat "$T/serve.pid")" 2>/dev/null || true
	sleep 0.3
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
cp -r data intents "$T/"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$T/studybot.ini" <<INI
[server]
listen = 127.0.0.1:$PORT
workers = 2
log_level = warn
[bot]
kb = $T/data
intents = $T/intents
history = $T/state/history.jsonl
unanswered_log = $T/state/unanswered.jsonl
moderators = generic:bench-mod
[generic]
token = bench-token
INI
"$BOT" serve --config "$T/studybot.ini" 2>"$T/serve.log" &
echo $! > "$T/serve.pid"
URL="http://127.0.0.1:$PORT"
i=0
until curl -fsS -o /dev/null "$URL/healthz" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && { cat "$T/serve.log" >&2; exit 2; }
	sleep 0.05
done

TOPIC="$T/data/topics/emr-history.json"
cp "$TOPIC" "$T/topic.a"
python3 - "$TOPIC" "$T/topic.b" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
t["answer"] = t["answer"] + " (reloaded)"
open(sys.argv[2], "w").write(json.dumps(t, indent=2) + "\n")
PY

reloads() {   # every 200 ms: a rewritten topic file (inotify) and SIGHUP
	n=0
	while :; do
		n=$((n + 1))
		if [ $((n % 2)) = 0 ]; then cp "$T/topic.a" "$TOPIC.tmp"; else cp "$T/topic.b" "$TOPIC.tmp"; fi
		mv "$TOPIC.tmp" "$TOPIC"
		kill -HUP "$(cat "$T/serve.pid")"
		sleep 0.2
	done
}

edits() {     # every 200 ms: a moderator's chat edit through the webhook
	n=0
	while :; do
		n=$((n + 1))
		curl -sS -o /dev/null -H 'Content-Type: application/json' -H 'Authorization: Bearer bench-token' \
			-d "{\"id\":\"edit-$n\",\"user\":\"bench-mod\",\"channel\":\"c\",\"text\":\"!kb answer emr-history | Edited answer number $n.\"}" \
			"$URL/webhook" || true
		sleep 0.2
	done
}

metric() {    # metric NAME-with-labels
	curl -fsS "$URL/metrics" | awk -v k="$1" '$1 == k { print $2 }'
}

FAILED=0
run() {       # run LABEL [LOOP]
	ok0=$(metric 'studybot_reloads_total{result="ok"}')
	bad0=$(metric 'studybot_reloads_total{result="failed"}')
	[ -n "${2:-}" ] && { $2 & LOOP_PID=$!; }
	wrk -t2 -c"$CONNS" -d"${DUR}s" --latency -s bench/http/post.lua "$URL/webhook" > "$T/wrk.out" 2>&1 || true
	[ -n "$LOOP_PID" ] && { kill "$LOOP_PID" 2>/dev/null || true; wait "$LOOP_PID" 2>/dev/null || true; LOOP_PID=; }
	sleep 0.3
	ok1=$(metric 'studybot_reloads_total{result="ok"}')
	bad1=$(metric 'studybot_reloads_total{result="failed"}')
	awk -v label="$1" -v rok=$((ok1 - ok0)) -v rbad=$((bad1 - bad0)) '
		/requests in/           { reqs = $1 }
		/Non-2xx or 3xx/        { non2xx = $NF }
		/Socket errors/         { gsub(",", ""); sock = $4 + $6 + $8 + $10 }
		/^ +50%/                { p50 = $2 } /^ +75%/ { p75 = $2 } /^ +90%/ { p90 = $2 } /^ +99%/ { p99 = $2 }
		/^ +Latency/ && !lat    { max = $4; lat = 1 }
		/Requests\/sec/         { rps = $2 }
		END {
			printf "%-8s %9s requests %8.0f req/s  non-2xx %s  socket errors %s  latency p50 %s p75 %s p90 %s p99 %s max %s  reloads ok %d failed %d\n",
			       label, reqs, rps, non2xx + 0, sock + 0, p50, p75, p90, p99, max, rok, rbad
			if (non2xx + 0 > 0 || sock + 0 > 0) exit 1
		}' "$T/wrk.out" || FAILED=1
}

echo "serve $BOT, wrk -t2 -c$CONNS -d${DUR}s POST /webhook (\"how long is emr training\"), 2 workers"
run quiet
run reloads reloads
run edits edits
run quiet
if grep -q "level=err" "$T/serve.log"; then
	echo "serve logged errors:"; grep "level=err" "$T/serve.log" | head -5
fi
if grep -q "reload.*result=refused" "$T/serve.log"; then
	echo "refused reloads:"; grep "result=refused" "$T/serve.log" | head -3
fi
[ $FAILED = 0 ] && echo "no failed request" || echo "FAILED REQUESTS (see above): a bug"
exit $FAILED
