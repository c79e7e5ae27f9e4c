"""A local HTTP server on 127.0.0.1 that plays PDOK, Overpass, the RP API and CBS for tests.

Each service module in ``tests/online/services/`` installs its routes with realistic answers
built from the real data in ``../shared/data`` (paging links, WFS GML, GeoJSON, OSM XML).
Faults are injected per path prefix and consumed one request at a time::

    server.fault("/bag/", status=429, retry_after="1")   # the next BAG request gets a 429
    server.fault("/bag/", status=500, times=2)
    server.fault("/overpass", slow_s=3)                   # answer after 3 s
    server.fault("/cbs", malformed=True)                  # a broken body (half JSON / XML)
    server.fault("/bag/", drop=True)                      # send half the body, then close

Run it by hand for the CLI (``python -m tests.online.fakeserver --port 8765``); it prints the
base URL of every service, for ``bodnaarplot fetch --base-url``.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["FakeRequest", "FakeResponse", "FakeServer"]


@dataclass
class FakeRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    match: re.Match[str] | None = None
    # Every value of repeated parameters (planType=…&planType=…).
    query_all: dict[str, list[str]] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def header(self, name: str) -> str | None:
        for k, v in self.headers.items():
            if k.lower() == name.lower():
                return v
        return None


@dataclass
class FakeResponse:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of_json(cls, obj: Any, status: int = 200, content_type: str = "application/json") -> FakeResponse:
        return cls(json.dumps(obj).encode("utf-8"), status, content_type)


@dataclass
class _Fault:
    prefix: str
    status: int | None = None
    retry_after: str | None = None
    slow_s: float = 0.0
    malformed: bool = False
    drop: bool = False
    times: int = 1


Handler = Callable[[FakeRequest], FakeResponse]


class FakeServer:
    """A threaded HTTP server with a route table, a request log and injectable faults."""

    def __init__(self, port: int = 0) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.faults: list[_Fault] = []
        self.log: list[FakeRequest] = []
        self._lock = threading.Lock()
        server = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def _handle(self) -> None:
                try:
                    server._dispatch(self)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (time-out test): nothing to answer

            do_GET = _handle  # noqa: N815
            do_POST = _handle  # noqa: N815
            do_HEAD = _handle  # noqa: N815

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _H)
        self.httpd.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        """Answer ``method`` requests whose path fully matches ``pattern`` (a regex)."""
        self.routes.append((method.upper(), re.compile(pattern), handler))

    def fault(
        self,
        prefix: str,
        *,
        status: int | None = None,
        retry_after: str | None = None,
        slow_s: float = 0.0,
        malformed: bool = False,
        drop: bool = False,
        times: int = 1,
    ) -> None:
        with self._lock:
            self.faults.append(_Fault(prefix, status, retry_after, slow_s, malformed, drop, times))

    def requests_to(self, prefix: str) -> list[FakeRequest]:
        return [r for r in self.log if r.path.startswith(prefix)]

    def start(self) -> FakeServer:
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="fakeserver", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- dispatch ---------------------------------------------------------------------------

    def _take_fault(self, path: str) -> _Fault | None:
        with self._lock:
            for f in self.faults:
                if path.startswith(f.prefix):
                    f.times -= 1
                    if f.times <= 0:
                        self.faults.remove(f)
                    return f
        return None

    def _dispatch(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        parsed = parse_qs(parts.query, keep_blank_values=True)
        query = {k: v[-1] for k, v in parsed.items()}
        req = FakeRequest(h.command, parts.path, query, dict(h.headers.items()), body, query_all=parsed)
        with self._lock:
            self.log.append(req)
        fault = self._take_fault(parts.path)
        if fault is not None and fault.slow_s:
            time.sleep(fault.slow_s)
        if fault is not None and fault.status is not None:
            extra = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            self._send(h, FakeResponse(b'{"title": "fault"}', fault.status, headers=extra))
            return
        resp = self._route(req)
        if fault is not None and fault.malformed:
            resp = FakeResponse(
                resp.body[: max(1, len(resp.body) // 2)], resp.status, resp.content_type, resp.headers
            )
        if fault is not None and fault.drop:
            h.send_response(resp.status)
            h.send_header("Content-Type", resp.content_type)
            h.send_header("Content-Length", str(len(resp.body)))
            h.end_headers()
            h.wfile.write(resp.body[: len(resp.body) // 2])
            h.wfile.flush()
            h.close_connection = True
            return
        self._send(h, resp, range_header=req.header("Range"))

    def _route(self, req: FakeRequest) -> FakeResponse:
        for method, pattern, handler in self.routes:
            if method != req.method and not (method == "GET" and req.method == "HEAD"):
                continue
            m = pattern.fullmatch(req.path)
            if m:
                req.match = m
                try:
                    return handler(req)
                except Exception as exc:  # noqa: BLE001 - a test server answers 500 like a real one
                    return FakeResponse.of_json({"title": "internal error", "detail": repr(exc)}, 500)
        return FakeResponse.of_json({"title": "Not Found", "status": 404}, 404)

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, resp: FakeResponse, range_header: str | None = None) -> None:
        body = resp.body
        status = resp.status
        headers = dict(resp.headers)
        if resp.headers.get("Accept-Ranges") == "bytes" and range_header and status == 200:
            m = re.fullmatch(r"bytes=(\d+)-", range_header.strip())
            if m:
                start = int(m.group(1))
                if start >= len(body):
                    status, body = 416, b""
                    headers["Content-Range"] = f"bytes */{len(resp.body)}"
                else:
                    status = 206
                    headers["Content-Range"] = f"bytes {start}-{len(body) - 1}/{len(body)}"
                    body = body[start:]
        h.send_response(status)
        h.send_header("Content-Type", resp.content_type)
        h.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            h.send_header(k, v)
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(body)


def main() -> None:  # pragma: no cover - manual use
    import argparse
    from pathlib import Path

    from tests.online.services import install_all

    parser = argparse.ArgumentParser(description="Local stand-in for PDOK, Overpass, RP API and CBS")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "data")
    args = parser.parse_args()
    server = FakeServer(args.port)
    urls = install_all(server, args.data)
    for name, url in urls.items():
        print(f"{name}={url}")
    print("Ctrl+C stops the server.", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.httpd.serve_forever()


if __name__ == "__main__":  # pragma: no cover
    main()
