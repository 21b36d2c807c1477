"""gzip for what compresses: text and WebAssembly (9.6 MB of Pyodide's becomes 3.5 MB).

Photos, zips and the models (6-14 % smaller, measured) are sent as they are.
"""

from __future__ import annotations

import gzip
from pathlib import Path

COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".json", ".toml", ".py", ".wasm", ".svg", ".webmanifest", ".md", "",
                ".snapshot"}  # Python's memory snapshot: 31 MB, 6 MB gzipped
SMALLEST = 1024  # bytes: below this the header costs more than it saves


def compressible(path: Path) -> bool:
    return path.suffix in COMPRESSIBLE and path.stat().st_size >= SMALLEST


def gzipped(data: bytes, level: int = 9) -> bytes:
    return gzip.compress(data, compresslevel=level, mtime=0)  # mtime 0: the same bytes every build
