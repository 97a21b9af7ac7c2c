"""A local HTTP server standing in for 钉钉's and 企业微信's robots and the SMS gateway: it records each request and
answers from a script (200 with ``{"errcode": 0}`` once the script runs out)."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    path: str
    query: dict
    headers: dict
    body: dict


@dataclass
class Receiver:
    url: str = ""
    requests: list[Received] = field(default_factory=list)
    # (status, JSON body) answered in turn to the requests to come.
    script: list[tuple[int, dict]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self) -> tuple[int, dict]:
        with self.lock:
            return self.script.pop(0) if self.script else (200, {"errcode": 0, "errmsg": "ok"})


def start(receiver: Receiver) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            parts = urlsplit(self.path)
            with receiver.lock:
                receiver.requests.append(
                    Received(parts.path, parse_qs(parts.query), dict(self.headers), json.loads(raw or b"{}"))
                )
            status, body = receiver.answer()
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
