#!/bin/sh
# HTTP benchmark of `serve` (POST /webhook, generic platform) beside nginx answering a
# fixed JSON body and a Node.js server running the same intents' regexes, all on
# loopback in the same run. Prints requests/s for keep-alive and Connection: close,
# the ratios, and serve's idle RSS. Needs wrk, nginx and node (installed if missing).
#
#   sh bench/http/bench.sh [SECONDS] [CONNECTIONS]
set -eu
cd "$(dirname "$0")/../.."
DUR=${1:-10}
CONNS=${2:-64}
STUDYBOT_EXTRA_PKGS="wrk nginx-light nodejs bc" sh scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target studybot >/dev/null
T=$(mktemp -d)
trap 'kill $(cat "$T"/*.pid 2>/dev/null) 2>/dev/null || true; sleep 0.3; rm -rf "$T"' EXIT
cat > "$T/nginx.conf" <<NGX
worker_processes 2;
pid $T/nginx.pid;
error_log $T/nginx.err;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:18181;
    location / { default_type application/json; return 200 '{"text":"EMR training takes 24 to 60 hours."}'; }
  }
}
NGX
nginx -c "$T/nginx.conf"
cat > "$T/studybot.ini" <<INI
[server]
listen = 127.0.0.1:18182
workers = 2
log_level = warn
[generic]
token = bench-token
INI
./build/studybot serve --config "$T/studybot.ini" 2>"$T/serve.log" & echo $! > "$T/serve.pid"
node bench/http/node_server.js 18183 intents & echo $! > "$T/node.pid"
sleep 1
rss() { awk '/VmRSS/ {print $2}' /proc/"$(cat "$T/serve.pid")"/status; }
echo "serve idle RSS: $(rss) kB"
run() { # name port close
	CLOSE=$3 wrk -t2 -c"$CONNS" -d"${DUR}s" -s bench/http/post.lua "http://127.0.0.1:$2/webhook" 2>/dev/null |
		awk '/Requests\/sec/ {print $2}'
}
for mode in 0 1; do
	label=$([ $mode = 1 ] && echo "Connection: close" || echo "keep-alive")
	n=$(run nginx 18181 $mode); s=$(run studybot 18182 $mode); j=$(run node 18183 $mode)
	printf '%-18s nginx %10.0f req/s   studybot %10.0f req/s (%.2fx nginx)   node %10.0f req/s (studybot %.1fx node)\n' \
		"$label" "$n" "$s" "$(echo "$s / $n" | bc -l)" "$j" "$(echo "$s / $j" | bc -l)"
done
echo "serve RSS after the runs: $(rss) kB"
