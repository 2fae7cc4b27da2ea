"""Every platform that keeps a connection open, at once, against stand-ins on
loopback: Discord's Gateway, Slack's Socket Mode and Mattermost's WebSocket
(wsstub.py), Telegram's getUpdates, Zulip's event queue and Matrix's /sync (HTTP
long polls, each held HOLD_S seconds when there is nothing to say, as the real
services hold them). One HTTP server answers the REST calls of all six.

    every = EveryPlatform()
    s = Serve(every.sections())
    every.connect(timeout)      # the WebSocket handshakes; True once every link is up
    ...
    every.close()

Used by the memory test (test_serve_rss.py) and bench/rss.py: what a bot with
every platform connected costs, not what each platform's exchanges look like
(their own tests check those)."""
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import SRC, http  # noqa: E402
from wsstub import WsServer  # noqa: E402

HOLD_S = 1.0
LINKS = ("discord-gateway", "slack-socket", "mattermost-websocket", "telegram-poll", "zulip-events", "matrix-sync")
TELEGRAM_TOKEN = "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
MATRIX_TOKEN = "syt_c3R1ZHlib3Q_sEcReTtOkEn_1x2y3z"
ZULIP_EMAIL, ZULIP_KEY = "study-bot@zulip.example.com", "zK3y_s3cr3t_API_kEy"
MATTERMOST_TOKEN, MATTERMOST_BOT = "x8kfe7g3jtrfbc5e6ubbq8ok3a", "6ta3xnqfwjgxmqc9gyw1ymnbbr"


def _answer(h, status, obj):
    out = json.dumps(obj).encode()
    h.send_response(status)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(out)))
    h.end_headers()
    try:
        h.wfile.write(out)
    except (BrokenPipeError, ConnectionResetError):
        pass


class EveryPlatform:
    def __init__(self):
        self.stop = threading.Event()
        self.discord_ws, self.slack_ws, self.mattermost_ws = WsServer(), WsServer(), WsServer()
        self.calls = []
        self.zulip_event = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def any(self):
                n = int(self.headers.get("Content-Length") or 0)
                if n:
                    self.rfile.read(n)
                outer.calls.append(self.path)
                outer.route(self)

            do_GET = do_POST = do_PUT = any

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass                  # the bot hung up on a held poll (SIGTERM): not news

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def hold(self):
        self.stop.wait(HOLD_S)

    def route(self, h):
        path, _, query = h.path.partition("?")
        q = dict(urllib.parse.parse_qsl(query))
        if path == "/discord/gateway/bot":
            return _answer(h, 200, {"url": self.discord_ws.url, "shards": 1, "session_start_limit": {
                "total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1}})
        if path == "/slack/apps.connections.open":
            return _answer(h, 200, {"ok": True, "url": self.slack_ws.url + "/link/?ticket=1"})
        if path.endswith("/getMe"):
            return _answer(h, 200, {"ok": True, "result": {"id": 110201543, "is_bot": True,
                                                           "first_name": "Study", "username": "study_helper_bot"}})
        if path.endswith("/getUpdates"):
            self.hold()
            return _answer(h, 200, {"ok": True, "result": []})
        if path == "/zulip/api/v1/users/me":
            return _answer(h, 200, {"result": "success", "msg": "", "user_id": 25, "full_name": "Study Bot",
                                    "email": ZULIP_EMAIL, "is_bot": True})
        if path == "/zulip/api/v1/register":
            return _answer(h, 200, {"result": "success", "msg": "", "queue_id": "1517975029:1",
                                    "last_event_id": -1, "zulip_version": "9.0"})
        if path == "/zulip/api/v1/events":
            self.hold()
            self.zulip_event += 1
            return _answer(h, 200, {"result": "success", "msg": "", "queue_id": q.get("queue_id"),
                                    "events": [{"type": "heartbeat", "id": self.zulip_event}]})
        if path == "/mattermost/api/v4/users/me":
            return _answer(h, 200, {"id": MATTERMOST_BOT, "username": "studybot", "is_bot": True,
                                    "roles": "system_user"})
        if path == "/_matrix/client/v3/account/whoami":
            return _answer(h, 200, {"user_id": "@studybot:example.org", "device_id": "DEV"})
        if path == "/_matrix/client/v3/sync":
            if q.get("since"):
                self.hold()
            return _answer(h, 200, {"next_batch": "t0", "rooms": {"join": {}, "invite": {}}})
        return _answer(h, 200, {"ok": True})

    def sections(self):
        """the config sections that turn every platform on, against these stand-ins"""
        return {
            "discord": {"mode": "gateway", "bot_token": "MTEwMDAwMDAwMDAwMDAwMDAwMQ.Gx7k2Q.test-token_value",
                        "api_url": self.url + "/discord"},
            "slack": {"mode": "socket", "app_token": "xapp-1-A111-222-abc", "bot_token": "xoxb-111-222-abc",
                      "api_url": self.url + "/slack"},
            "telegram": {"mode": "poll", "bot_token": TELEGRAM_TOKEN, "api_url": self.url},
            "zulip": {"mode": "events", "site": self.url + "/zulip/", "email": ZULIP_EMAIL, "api_key": ZULIP_KEY},
            "matrix": {"homeserver": self.url, "access_token": MATRIX_TOKEN},
            "mattermost": {"mode": "websocket", "url": self.url + "/mattermost", "bot_token": MATTERMOST_TOKEN,
                           "websocket_url": self.mattermost_ws.url + "/api/v4/websocket"},
        }

    def _discord(self, c):
        """Hello, READY after Identify, then an ACK for every heartbeat"""
        c.send({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        with open(f"{SRC}/tests/fixtures/discord/gateway_ready.json") as f:
            ready = json.load(f)
        ready["d"]["resume_gateway_url"] = self.discord_ws.url + "/resumed"
        while not self.stop.is_set():
            m = c.recv(timeout=0.5)
            if m is None:
                return
            if isinstance(m, dict) and m.get("op") == 2:
                c.send(ready)
            elif isinstance(m, dict) and m.get("op") == 1:
                c.send({"op": 11, "d": None, "s": None, "t": None})

    def _slack(self, c):
        c.send({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A123ABC456"}})
        while not self.stop.is_set() and c.recv(timeout=0.5) is not None:
            pass

    def _mattermost(self, c):
        """the authentication challenge answered, hello, then whatever comes (pings)"""
        m = c.recv(timeout=5)
        if isinstance(m, dict) and m.get("action") == "authentication_challenge":
            c.send({"status": "OK", "seq_reply": m.get("seq", 1)})
        c.send({"event": "hello", "data": {"connection_id": "ih3wdbkfwirf9qcdq5f5mhk6mr",
                                           "server_version": "9.11.0"},
                "broadcast": {"omit_users": None, "user_id": MATTERMOST_BOT, "channel_id": "", "team_id": ""},
                "seq": 0})
        while not self.stop.is_set() and c.recv(timeout=0.5) is not None:
            pass

    def connect(self, serve, timeout=10.0):
        """answers the bot's WebSocket connections; True once /healthz shows every link up"""
        for ws, fn in ((self.discord_ws, self._discord), (self.slack_ws, self._slack),
                       (self.mattermost_ws, self._mattermost)):
            c = ws.next_conn(timeout)
            if c is None:
                return False
            threading.Thread(target=fn, args=(c,), daemon=True).start()
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.links_up(serve):
                return True
            time.sleep(0.1)
        return False

    def links_up(self, serve):
        health = http(serve.port, "GET", "/healthz").text
        return all(f"link {name} up" in health for name in LINKS)

    def close(self):
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
        self.discord_ws.close()
        self.slack_ws.close()
        self.mattermost_ws.close()
