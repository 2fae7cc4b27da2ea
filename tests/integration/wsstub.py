"""A WebSocket server (RFC 6455, text frames) on 127.0.0.1:0 in the standard
library, standing in for a platform's gateway (Discord) or socket (Slack).

WsServer().next_conn(timeout) gives each connection the bot opens, in order: a
WsConn with .path (the request target), .recv(timeout) (the bot's next text
message as JSON, None when closed), .send(obj), .close(code) and .drop() (the
TCP connection cut with no close frame). Pings are answered; the bot's close
code is kept in .closed_code."""
import base64
import hashlib
import json
import queue
import socket
import struct
import threading
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class WsConn:
    def __init__(self, sock, path, headers):
        self.sock, self.path, self.headers = sock, path, headers
        self.messages = queue.Queue()
        self.received = []            # (time.monotonic(), message) of every message, in order
        self.closed_code = None
        self.lock = threading.Lock()
        threading.Thread(target=self._reader, daemon=True).start()

    def _read_exact(self, n):
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise ConnectionError("closed")
            out += chunk
        return out

    def _frame(self):
        b0, b1 = self._read_exact(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._read_exact(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._read_exact(8))[0]
        mask = self._read_exact(4) if b1 & 0x80 else b"\0\0\0\0"
        data = bytes(c ^ mask[i % 4] for i, c in enumerate(self._read_exact(n)))
        return b0 & 0x80, b0 & 0x0F, data

    def _reader(self):
        buf = b""
        try:
            while True:
                fin, op, data = self._frame()
                if op == 9:
                    self._send_frame(0xA, data)
                elif op == 8:
                    self.closed_code = struct.unpack("!H", data[:2])[0] if len(data) >= 2 else 1005
                    try:
                        self._send_frame(8, data[:2])
                    except OSError:
                        pass
                    break
                elif op in (0, 1, 2):
                    buf += data
                    if fin:
                        obj = json.loads(buf.decode())
                        self.received.append((time.monotonic(), obj))
                        self.messages.put(obj)
                        buf = b""
        except (OSError, ConnectionError, ValueError):
            pass
        self.messages.put(None)

    def _send_frame(self, op, data):
        n = len(data)
        head = bytes([0x80 | op])
        if n < 126:
            head += bytes([n])
        elif n < 65536:
            head += bytes([126]) + struct.pack("!H", n)
        else:
            head += bytes([127]) + struct.pack("!Q", n)
        with self.lock:
            self.sock.sendall(head + data)

    def send(self, obj):
        self._send_frame(1, (obj if isinstance(obj, str) else json.dumps(obj)).encode())

    def send_raw_text(self, data):
        self._send_frame(1, data)

    def recv(self, timeout=5.0):
        try:
            return self.messages.get(timeout=timeout)
        except queue.Empty:
            return "timeout"

    def recv_until(self, pred, timeout=5.0):
        """the bot's messages until one pred accepts (returned), None when closed or timed out"""
        end = time.monotonic() + timeout
        while True:
            m = self.recv(max(0.01, end - time.monotonic()))
            if m is None or m == "timeout":
                return None
            if pred(m):
                return m

    def close(self, code):
        try:
            self._send_frame(8, struct.pack("!H", code))
        except OSError:
            pass

    def drop(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class WsServer:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = f"ws://127.0.0.1:{self.port}"
        self.conns = queue.Queue()
        self.count = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                s, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handshake, args=(s,), daemon=True).start()

    def _handshake(self, s):
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    return
                data += chunk
            lines = data.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            hdrs = {k.strip().lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines[1:] if ":" in ln)}
            accept = base64.b64encode(hashlib.sha1((hdrs["sec-websocket-key"] + GUID).encode()).digest()).decode()
            s.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       f"Sec-WebSocket-Accept: {accept}\r\n\r\n").encode())
        except (OSError, KeyError, IndexError):
            s.close()
            return
        self.count += 1
        self.conns.put(WsConn(s, path, hdrs))

    def next_conn(self, timeout=10.0):
        try:
            return self.conns.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self):
        self.sock.close()
