"""Serve the app from the project root with the headers it needs.

Cross-origin isolation (COOP + COEP) gives onnxruntime-web its threads; CORP keeps
every response to our own origin.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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
        for name, value in ISOLATION_HEADERS.items():
            self.send_header(name, value)
        # Revalidate every time: edits show up at once, unchanged files still answer 304.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self) -> None:
        gate = self.server.gates.get(self.path.split("?")[0])
        if gate is not None:
            gate.wait(60)  # a test holds this file back (e.g. main.py: the page stays starting)
        super().do_GET()

    def log_message(self, format: str, *args) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    verbose = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.gates: dict[str, threading.Event] = {}  # path → answered once the event is set

    def hold(self, path: str) -> threading.Event:
        """Answer ``path`` only once the returned event is set (or after a minute)."""
        self.gates[path] = threading.Event()
        return self.gates[path]


def start_server(host: str = "127.0.0.1", port: int = 0, root: Path = ROOT, verbose: bool = False) -> Server:
    """Start serving ``root`` in a background thread; port 0 picks a free one."""
    server = Server((host, port), functools.partial(Handler, directory=str(root)))
    server.verbose = verbose
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve unbg with cross-origin isolation.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    server = Server((args.host, args.port), functools.partial(Handler, directory=str(ROOT)))
    print(f"unbg: serving on http://{args.host}:{args.port}/ (Ctrl+C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
