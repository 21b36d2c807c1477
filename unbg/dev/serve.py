"""Serve the app from the project root with the headers it needs.

Cross-origin isolation (COOP + COEP) gives onnxruntime-web its threads; CORP keeps
every response to our own origin.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import threading
from pathlib import Path

from ..core.embedding import parse_origins

ROOT = Path(__file__).resolve().parents[2]
EMBED_CONFIG = "/assets/embed.json"  # the allowed parent origins, read by the page
EMBED_MODULE = "/assets/embed.mjs"  # what a host page imports to embed unbg
ISOLATION_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
}
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
        page = self.path.split("?")[0] in ("/", "/index.html")
        for name, value in ISOLATION_HEADERS.items():
            # The page itself may be framed by an isolated host (which needs CORP cross-origin);
            # which hosts may frame it, frame-ancestors says.
            self.send_header(name, "cross-origin" if page and name == "Cross-Origin-Resource-Policy" else value)
        if page:
            self.send_header("Content-Security-Policy", frame_ancestors(self.server.embed_origins))
        if self.path.split("?")[0] == EMBED_MODULE:  # host pages on other origins import it
            self.send_header("Access-Control-Allow-Origin", "*")
        # Revalidate every time: edits show up at once, unchanged files still answer 304.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        gate = self.server.gates.get(path)
        if gate is not None:
            gate.wait(60)  # a test holds this file back (e.g. main.py: the page stays starting)
        if path == EMBED_CONFIG:
            body = json.dumps({"origins": self.server.embed_origins}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format: str, *args) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


def frame_ancestors(origins: list[str]) -> str:
    return "frame-ancestors " + " ".join(["'self'", *origins])


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    verbose = True

    def __init__(self, *args, embed_origins: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.gates: dict[str, threading.Event] = {}  # path → answered once the event is set
        self.embed_origins = parse_origins(os.environ.get("EMBED_ORIGINS")) if embed_origins is None else embed_origins

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
