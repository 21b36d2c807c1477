"""Serve the app from the project root with the headers it needs.

The headers (isolation, CORP, the content-security-policy) are unbg.build.headers', the same a
built site's `_headers` and service worker send.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import threading
from pathlib import Path

from ..build.compress import compressible, gzipped
from ..build.headers import response_headers
from ..core.embedding import parse_origins

ROOT = Path(__file__).resolve().parents[2]
EMBED_CONFIG = "/assets/embed.json"  # the allowed parent origins, read by the page
EMBED_MODULE = "/assets/embed.mjs"  # what a host page imports to embed unbg
FRAMED = ("/", "/index.html", EMBED_MODULE)  # what other origins' pages may frame or import
MIME_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".onnx": "application/octet-stream",
    ".toml": "text/plain",
    ".py": "text/plain",
    ".webmanifest": "application/manifest+json",
}


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

    def end_headers(self) -> None:
        path = self.path.split("?")[0]
        for name, value in response_headers(self.server.embed_origins, framed=path in FRAMED).items():
            self.send_header(name, value)
        if path == EMBED_MODULE:  # host pages on other origins import it
            self.send_header("Access-Control-Allow-Origin", "*")
        # Revalidate every time: edits show up at once, unchanged files still answer 304.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        self.server.requested.append(path)
        if path in self.server.refused:
            self.send_error(503, "Refused for a test")
            return
        gate = self.server.gates.get(path)
        if gate is not None:
            gate.wait(60)  # a test holds this file back (e.g. main.py: the page stays starting)
        if path == EMBED_CONFIG:
            self.send_body(json.dumps({"origins": self.server.embed_origins}).encode(), "application/json")
            return
        file = Path(self.translate_path(path))
        if path in self.server.preludes:  # a test's script first, then the file (a worker's, which no test reaches)
            self.send_body(self.server.preludes[path].encode() + file.read_bytes(), self.guess_type(str(file)))
            return
        if (self.server.compress and "gzip" in self.headers.get("Accept-Encoding", "") and file.is_file() and compressible(file)
                and not self.headers.get("If-Modified-Since")):  # a revalidation gets its 304 below
            self.send_body(self.server.gzipped(file), self.guess_type(str(file)), encoding="gzip",
                           modified=self.date_time_string(int(file.stat().st_mtime)))
            return
        super().do_GET()

    def send_body(self, body: bytes, content_type: str, encoding: str | None = None, modified: str | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if encoding:
            self.send_header("Content-Encoding", encoding)
            self.send_header("Vary", "Accept-Encoding")
        if modified:
            self.send_header("Last-Modified", modified)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    verbose = True
    compress = True  # gzip what compresses, for browsers that ask

    def __init__(self, *args, embed_origins: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.gates: dict[str, threading.Event] = {}  # path → answered once the event is set
        self.refused: set[str] = set()  # paths answered 503 (workers' requests too, which CDP cannot block)
        self.preludes: dict[str, str] = {}  # path → JavaScript a test puts before the file's own
        self.requested: list[str] = []  # every path asked for, workers' requests too (tests read it)
        self._gzipped: dict[str, tuple[tuple, bytes]] = {}  # path → (its mtime and size, the gzip)
        self._lock = threading.Lock()
        self.embed_origins = parse_origins(os.environ.get("EMBED_ORIGINS")) if embed_origins is None else embed_origins

    def gzipped(self, file: Path) -> bytes:
        """The file gzipped (fast level), kept until it changes (one copy per file)."""
        stat = file.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            kept = self._gzipped.get(str(file))
            if kept is None or kept[0] != stamp:
                kept = self._gzipped[str(file)] = (stamp, gzipped(file.read_bytes(), level=6))
            return kept[1]

    def hold(self, path: str) -> threading.Event:
        """Answer ``path`` only once the returned event is set (or after a minute)."""
        self.gates[path] = threading.Event()
        return self.gates[path]


def start_server(host: str = "127.0.0.1", port: int = 0, root: Path = ROOT, verbose: bool = False,
                 embed_origins: list[str] | None = None) -> Server:
    """Start serving ``root`` in a background thread; port 0 picks a free one."""
    server = Server((host, port), functools.partial(Handler, directory=str(root)), embed_origins=embed_origins)
    server.verbose = verbose
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class PlainHandler(http.server.SimpleHTTPRequestHandler):
    """Another site's host: no headers of ours (many static hosts add none), or only those it is given."""

    extensions_map = Handler.extensions_map
    extra_headers: dict[str, str] = {}

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        pass


def start_plain_server(root: Path, host: str = "127.0.0.1", port: int = 0,
                       headers: dict[str, str] | None = None) -> http.server.ThreadingHTTPServer:
    """Serve ``root`` with no header of ours (only ``headers``), in a background thread."""
    handler = type("Host", (PlainHandler,), {"extra_headers": headers or {}})
    server = http.server.ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(root)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve unbg with cross-origin isolation.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    server = Server((args.host, args.port), functools.partial(Handler, directory=str(ROOT)))
    print(f"unbg: serving on http://{args.host}:{args.port}/ (Ctrl+C stops); "
          f"may embed it: {', '.join(server.embed_origins) or 'no other origin'} (EMBED_ORIGINS)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
