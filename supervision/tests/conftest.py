"""A local chat-robot receiver (http.server on 127.0.0.1) for the reminder webhook."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest


class Receiver:
    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.content_types: list[str] = []
        self.url = ""


@pytest.fixture
def robot(settings: Any) -> Iterator[Receiver]:
    """Sets ``REMINDER_WEBHOOK_URL`` to a real HTTP server that records every JSON POST."""
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            receiver.content_types.append(self.headers.get("Content-Type", ""))
            receiver.posts.append(json.loads(self.rfile.read(length).decode("utf-8")))
            body = b'{"errcode": 0, "errmsg": "ok"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_port}/cgi-bin/webhook/send?key=test"
    settings.REMINDER_WEBHOOK_URL = receiver.url
    yield receiver
    server.shutdown()
    server.server_close()
