"""The peer for ``make bench``: @imgly/background-removal 1.7.0 served from our origin.

Its package expects its own CDN: the model (its resources.json and chunks, in the data package's
1.7.0 layout) and onnxruntime-web 1.21's files as blob: URLs that our policy refuses. So a copy
of its module is laid out under .cache/peer with relative imports instead, its onnxruntime's
files beside it, and a resources.json of ours that names the chunks of ISNet medium (float16)
in the data package we already have (1.4.5: the same network; chunks named by their hash).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NODE = ROOT / "node_modules"
SITE = ROOT / ".cache" / "peer"
PAGE = "peer.html"
ORT_FILES = ("ort.wasm.bundle.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm")
# Its two dynamic imports of onnxruntime and its two blob: URLs, made relative paths.
PATCHES = (
    ('import("onnxruntime-web/webgpu")', 'import("../ort/ort.webgpu.bundle.min.mjs")'),
    ('import("onnxruntime-web")', 'import("../ort/ort.wasm.bundle.min.mjs")'),
    ("await loadAsUrl(`${baseFilePath}.wasm`, config)",
     'new URL(`..${baseFilePath.replace("/onnxruntime-web", "/ort")}.wasm`, import.meta.url).href'),
    ("await loadAsUrl(`${baseFilePath}.mjs`, config)",
     'new URL(`..${baseFilePath.replace("/onnxruntime-web", "/ort")}.mjs`, import.meta.url).href'),
)


def _patched_module() -> str:
    source = (NODE / "@imgly" / "background-removal" / "dist" / "index.mjs").read_text()
    for old, new in PATCHES:
        if source.count(old) != 1:
            raise SystemExit(f"unbg bench: the peer's module changed: {old!r} is not there once")
        source = source.replace(old, new)
    return source


def _resources(data: Path) -> dict:
    """resources.json in 1.7.0's layout for ISNet medium (float16), from the 1.4.5 data package's."""
    medium = json.loads((data / "resources.json").read_text())["/models/medium"]
    chunks = [{"name": chunk["hash"], "offsets": chunk["offsets"]} for chunk in medium["chunks"]]
    return {"/models/isnet_fp16": {"size": medium["size"], "mime": "application/octet-stream", "chunks": chunks}}


def prepare_peer_site() -> str:
    """Lay the peer's page out under .cache/peer; returns its path relative to ROOT (for a URL)."""
    vendor = SITE / "vendor"
    for folder in ("imgly", "ort", "imgly-data"):
        (vendor / folder).mkdir(parents=True, exist_ok=True)
    (vendor / "imgly" / "index.mjs").write_text(_patched_module())
    for name in ORT_FILES:
        shutil.copy2(NODE / "onnxruntime-web-1.21" / "dist" / name, vendor / "ort" / name)
    data = NODE / "@imgly" / "background-removal-data" / "dist"
    resources = _resources(data)
    (vendor / "imgly-data" / "resources.json").write_text(json.dumps(resources))
    for chunk in resources["/models/isnet_fp16"]["chunks"]:
        target = vendor / "imgly-data" / chunk["name"]
        if not target.exists():
            target.symlink_to(data / chunk["name"])
    here = Path(__file__).parent / "peer"
    for name in (PAGE, "peer.mjs"):
        shutil.copy2(here / name, SITE / name)
    return f"{SITE.relative_to(ROOT).as_posix()}/{PAGE}"
