"""`make dist`: the static site for any host, an installable PWA that also works offline.

dist/ holds exactly what the page loads, the manifest and its icons, `_headers` for hosts that
read one, and `sw.js`: the one service worker, which precaches the shell (checked against the
sha256 of every file written here), keeps the models, and adds the isolation headers and the
content-security-policy to every response, so a host that sends no headers works too.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
from pathlib import Path

from ..core.embedding import parse_origins
from ..core.models import MODEL_CACHE, MODEL_DIR, model_url_path
from .compress import compressible, gzipped
from .headers import response_headers
from .icons import write_icons
from .site import ROOT, browser_files

DIST = ROOT / "dist"
WORKER_SOURCE = ROOT / "assets" / "pwa-worker.js"  # sw.js is this, after the build's facts
SHARE_ACTION = "share"  # the share sheet posts photos here; the worker answers it
ICONS = "assets/icons"
APP_FILES = [
    "index.html", "main.py", "pyscript.toml", "LICENSE",
    "assets/css/app.css", "assets/early-photos.js", "assets/embed-mode.js", "assets/embed.mjs",
    "assets/embed.json", "assets/runtime.mjs", "assets/inference-worker.mjs", "assets/decode-worker.mjs",
    "assets/pyodide-start.mjs", "assets/pwa.js", "assets/icons/icon.svg",
    "assets/source/unbg-source.zip", "assets/python/bytecode.zip", "assets/vendor/model/LICENSE.md",
]
RUNTIME_DIRS = ["assets/vendor/pyscript", "assets/vendor/pyodide", "assets/vendor/ort", "assets/vendor/libheif"]
# PyScript's plugins for what the page never has (editor, terminal, MicroPython): never loaded (measured).
UNUSED = re.compile(r"^(codemirror|index-|xterm|mpy-|py-D|pyodide_graph|service-worker|storage)")
# onnxruntime's WebGPU build: only a page with a GPU asks for it, so it is not precached (27 MB
# every installed WASM-only phone would carry); the worker keeps it once a page has used it.
ON_DEMAND = re.compile(r"^assets/vendor/ort/(ort\.webgpu\.|ort-wasm-simd-threaded\.asyncify\.)")
HASHED = re.compile(r"-[A-Za-z0-9_]{8}\.js$")  # PyScript's chunks carry their content hash
IMAGE_TYPES = {
    "image/*": [".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".avif"],
    "image/heic": [".heic"], "image/heif": [".heif"],
}
THEME = "#3b5bdb"
BACKGROUND = "#f3f4f7"
HEAD_ADDITIONS = (
    '  <link rel="manifest" href="./manifest.webmanifest">\n'
    f'  <meta name="theme-color" content="{THEME}">\n'
    f'  <link rel="apple-touch-icon" href="./{ICONS}/icon-192.png">\n'
    '  <script src="./assets/pwa.js"></script>\n'
)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def place(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def runtime_files() -> list[str]:
    files = []
    for folder in RUNTIME_DIRS:
        files += [f"{folder}/{path.name}" for path in sorted((ROOT / folder).iterdir())
                  if path.is_file() and not UNUSED.match(path.name) and not path.name.endswith(".map")]
    return files


def copy_site(out: Path) -> None:
    for name in APP_FILES + runtime_files() + [name[2:] for name in browser_files()]:
        if not (ROOT / name).is_file():
            sys.exit(f"unbg dist: {name} is missing; run `make build` first")
        place(ROOT / name, out / name)
    index = (out / "index.html").read_text()
    if "</head>" not in index:
        sys.exit("unbg dist: index.html has no </head>")
    (out / "index.html").write_text(index.replace("</head>", HEAD_ADDITIONS + "</head>", 1))


def copy_models(out: Path) -> None:
    """The models under names with their hash: cacheable for ever."""
    manifest = json.loads((ROOT / MODEL_DIR / "models.json").read_text())
    for entry in manifest.values():
        stem, _, ext = entry["file"].rpartition(".")
        entry["file"] = f"{stem}-{entry['sha256'][:12]}.{ext}"
        place(ROOT / MODEL_DIR / f"{stem}.{ext}", out / MODEL_DIR / entry["file"])
    (out / MODEL_DIR / "models.json").write_text(json.dumps(manifest, indent=1))


def model_urls(out: Path) -> list[str]:
    """The URLs the page asks for the models by."""
    manifest = json.loads((out / MODEL_DIR / "models.json").read_text())
    return [model_url_path(entry) for entry in manifest.values()]


def write_manifest(out: Path) -> None:
    icons = write_icons(out / ICONS)
    for icon in icons:
        icon["src"] = f"{ICONS}/{icon['src']}"
    manifest = {
        "id": "./",
        "name": "unbg — remove the background, on your own device",
        "short_name": "unbg",
        "description": "Remove image backgrounds in your browser. Nothing is uploaded.",
        "start_url": "./",
        "scope": "./",
        "display": "standalone",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "icons": icons,
        "share_target": {
            "action": f"./{SHARE_ACTION}", "method": "POST", "enctype": "multipart/form-data",
            "params": {"files": [{"name": "photos", "accept": [t for t in IMAGE_TYPES] + sum(IMAGE_TYPES.values(), [])}]},
        },
        "file_handlers": [{"action": "./", "accept": IMAGE_TYPES}],
        "launch_handler": {"client_mode": "focus-existing"},
    }
    (out / "manifest.webmanifest").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))


def served_files(out: Path) -> list[str]:
    """Every file the worker serves from its caches: all but the models, their .gz copies, sw.js and _headers."""
    skip = {"sw.js", "_headers"}
    return [path.relative_to(out).as_posix() for path in sorted(out.rglob("*"))
            if path.is_file() and path.name not in skip and not path.name.endswith((".onnx", ".gz"))]


def shell_files(out: Path) -> list[str]:
    """What the worker precaches: what every visit needs."""
    return [name for name in served_files(out) if not ON_DEMAND.match(name)]


def on_demand_files(out: Path) -> list[str]:
    """What the worker keeps once a page asked for it (the WebGPU runtime)."""
    return [name for name in served_files(out) if ON_DEMAND.match(name)]


def shell_hashes(out: Path, names: list[str]) -> dict[str, str]:
    return {name: sha256(out / name) for name in names}


def write_worker(out: Path, embed_origins: list[str]) -> str:
    """sw.js for what is in ``out`` now; returns the build id (a new one for any change)."""
    shell, on_demand, models = shell_hashes(out, shell_files(out)), shell_hashes(out, on_demand_files(out)), model_urls(out)
    build_id = hashlib.sha256(json.dumps([shell, on_demand, models], sort_keys=True).encode()).hexdigest()[:12]
    facts = {
        "id": build_id, "shell": shell, "onDemand": on_demand, "models": models, "modelCache": MODEL_CACHE,
        "share": SHARE_ACTION,
        "headers": response_headers(embed_origins, framed=False),
        "pageHeaders": response_headers(embed_origins, framed=True),
    }
    source = WORKER_SOURCE.read_text()
    (out / "sw.js").write_text(f"const BUILD = {json.dumps(facts, indent=1)};\n\n{source}")
    return build_id


def header_rule(name: str) -> str:
    """The `_headers` path for a shell file: its folder's splat where nothing else shares the folder."""
    parts = name.split("/")
    if len(parts) == 1 or parts[:2] == ["assets", parts[-1]] or name.startswith(("assets/vendor/pyscript/", MODEL_DIR)):
        return f"/{name}"  # top-level files, assets/*.js, the models and PyScript's chunks (some hashed) one by one
    depth = 3 if parts[:2] == ["assets", "vendor"] else 2 if parts[0] == "assets" else 1
    return "/" + "/".join(parts[:depth]) + "/*"


def write_headers(out: Path, embed_origins: list[str]) -> None:
    """`_headers` (Netlify, Cloudflare Pages): paths that never overlap, so no header is set twice."""
    page, other = response_headers(embed_origins, framed=True), response_headers(embed_origins, framed=False)
    revalidate = {"Cache-Control": "no-cache"}
    forever = {"Cache-Control": "public, max-age=31536000, immutable"}
    rules: dict[str, dict[str, str]] = {"/": {**page, **revalidate}, "/sw.js": {**other, **revalidate}}
    for name in served_files(out) + [p.relative_to(out).as_posix() for p in (out / MODEL_DIR).glob("*.onnx")]:
        path = header_rule(name)
        if name in ("index.html", "assets/embed.mjs"):
            rules[path] = {**page, **revalidate, **({"Access-Control-Allow-Origin": "*"} if name.endswith(".mjs") else {})}
        else:
            rules[path] = {**other, **(forever if name.endswith(".onnx") or HASHED.search(name) else revalidate)}
    lines = []
    for path, headers in rules.items():
        lines += [path, *[f"  {key}: {value}" for key, value in headers.items()], ""]
    (out / "_headers").write_text("\n".join(lines))


def write_compressed(out: Path) -> None:
    """file.gz beside each file that compresses, for hosts that serve them (nginx gzip_static, Caddy)."""
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.name != "_headers" and compressible(path):
            path.with_name(path.name + ".gz").write_bytes(gzipped(path.read_bytes()))


def visit_sizes(out: Path) -> dict[str, tuple[int, int]]:
    """Each part of a first visit: (bytes, bytes gzipped where a .gz was written)."""
    groups = {"runtime": [0, 0], "python": [0, 0], "app": [0, 0], "gpu": [0, 0]}
    for name in served_files(out):
        size = (out / name).stat().st_size
        packed = out / f"{name}.gz"
        group = ("gpu" if ON_DEMAND.match(name) else "runtime" if name.startswith("assets/vendor/")
                 else "python" if name.endswith((".py", ".toml")) else "app")
        groups[group][0] += size
        groups[group][1] += packed.stat().st_size if packed.exists() else size
    return {group: tuple(sizes) for group, sizes in groups.items()}


def build_dist(out: Path = DIST) -> str:
    """Write the whole site into ``out`` (emptied first); returns the build id."""
    embed_origins = parse_origins(os.environ.get("EMBED_ORIGINS"))
    if out.exists():
        shutil.rmtree(out)
    copy_site(out)
    copy_models(out)
    write_manifest(out)
    write_headers(out, embed_origins)
    build_id = write_worker(out, embed_origins)
    write_compressed(out)
    return build_id


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the static site into a folder.")
    parser.add_argument("--out", type=Path, default=DIST)
    args = parser.parse_args()
    build_id = build_dist(args.out)
    sizes = visit_sizes(args.out)
    models = json.loads((args.out / MODEL_DIR / "models.json").read_text())
    mb = lambda n: f"{n / 1e6:.1f} MB"  # noqa: E731
    both = lambda sizes: f"{mb(sizes[0])} ({mb(sizes[1])} gzipped)"  # noqa: E731
    print(f"unbg dist: build {build_id} in {args.out}")
    print(f"  first visit: runtime {both(sizes['runtime'])} (Pyodide, PyScript, onnxruntime-web, libheif-js), "
          f"our Python {both(sizes['python'])}, page {both(sizes['app'])}, "
          f"then the model on first use: " + ", ".join(f"{name} {mb(m['bytes'])}" for name, m in models.items()))
    print(f"  a page with a GPU also: onnxruntime's WebGPU build {both(sizes['gpu'])}")
    print("  later visits: nothing but sw.js, checked for an update; everything else comes from the worker's caches")


if __name__ == "__main__":
    main()
