"""Build the served tree: copy the pinned runtime out of node_modules and build the models.

Incremental: a file is copied only when it changed, a model is rebuilt only when its
inputs (the data package's resources.json and the model builder) changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from ..core.embedding import parse_origins
from ..core.models import MODEL_DIR, MODELS
from .bytecode import APP_BYTECODE

ROOT = Path(__file__).resolve().parents[2]
NODE = ROOT / "node_modules"
VENDOR = ROOT / "assets" / "vendor"
MODEL_DATA = NODE / "@imgly" / "background-removal-data" / "dist"
CACHE = ROOT / ".cache"  # downloads the build needs once (the calibration photos' wheel)

MODEL_BUILDER = ("pipeline", "isnet", "foreground", "float32", "nodes", "quantize", "bands", "transposes")  # a change to these rebuilds the models
# What the page loads, by vendor folder: (package folder, files).
RUNTIME = {
    "pyscript": ("@pyscript/core/dist", ["*.js", "*.css"]),
    # python_stdlib.zip too, compiled to bytecode on the way (bytecode.py).
    "pyodide": ("pyodide", ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "pyodide-lock.json"]),
    # The WASM build for every page; the WebGPU build (its own .wasm) only for pages with a GPU.
    "ort": ("onnxruntime-web/dist", ["ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm",
                                     "ort.webgpu.min.mjs", "ort-wasm-simd-threaded.asyncify.mjs",
                                     "ort-wasm-simd-threaded.asyncify.wasm"]),
    "libheif": ("libheif-js/libheif-wasm", ["libheif-bundle.mjs"]),
    "model": ("@imgly/background-removal-data", ["LICENSE.md"]),
}


def copy_runtime() -> int:
    """Copy the runtime files into assets/vendor; returns how many changed."""
    changed = 0
    for folder, (package, patterns) in RUNTIME.items():
        source = NODE / package
        if not source.is_dir():
            sys.exit(f"unbg build: {source} is missing; run `npm ci` first")
        target = VENDOR / folder
        target.mkdir(parents=True, exist_ok=True)
        for pattern in patterns:
            files = sorted(source.glob(pattern))
            if not files:
                sys.exit(f"unbg build: nothing matches {source / pattern}")
            for file in files:
                dest = target / file.name
                stat = file.stat()
                if dest.exists() and dest.stat().st_size == stat.st_size and dest.stat().st_mtime >= stat.st_mtime:
                    continue
                shutil.copy2(file, dest)
                changed += 1
    return changed


def _model_inputs_digest() -> str:
    here = Path(__file__).parent
    sources = [here / f"{name}.py" for name in MODEL_BUILDER] + [here.parent / "core" / "models.py"]
    builder = b"".join(path.read_bytes() for path in sources)
    return hashlib.sha256((MODEL_DATA / "resources.json").read_bytes() + builder).hexdigest()


def build_models() -> list[str]:
    """Build every pipeline model whose inputs changed; returns the names built."""
    from .pipeline import build_pipeline  # onnx is a build-time dependency only
    from .quantize import calibration_photos

    out_dir = ROOT / MODEL_DIR
    stamp_file = out_dir / "build-stamp.json"
    digest = _model_inputs_digest()
    stamps = json.loads(stamp_file.read_text()) if stamp_file.exists() else {}
    built = []
    for choice in MODELS.values():
        out = out_dir / choice.file
        stamp = stamps.get(choice.name, {})
        if out.exists() and stamp.get("inputs") == digest:
            continue
        facts = build_pipeline(MODEL_DATA, choice, out, lambda: calibration_photos(CACHE / "calibration"))
        stamps[choice.name] = {"inputs": digest, "sha256": hashlib.sha256(out.read_bytes()).hexdigest(), **facts}
        built.append(choice.name)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp_file.write_text(json.dumps(stamps, indent=1))
    # The page reads this: sizes for honest labels and progress, hashes for cache keys.
    manifest = {
        c.name: {"file": c.file, "label": c.label, "bytes": (out_dir / c.file).stat().st_size,
                 "sha256": stamps[c.name]["sha256"], "preview": stamps[c.name]["preview"],
                 "optimised": stamps[c.name]["optimised"], "gpu": c.gpu}
        for c in MODELS.values()
    }
    (out_dir / "models.json").write_text(json.dumps(manifest, indent=1))
    return built


BROWSER_PACKAGES = ("unbg/core", "unbg/web", "components")  # the Python the page runs, shipped whole


def browser_files() -> list[str]:
    """Every Python file the page gets: main.py imports only from these folders."""
    files = [ROOT / "unbg" / "__init__.py"]
    for folder in BROWSER_PACKAGES:
        files += sorted((ROOT / folder).glob("*.py"))
    return [f"./{path.relative_to(ROOT)}" for path in files]


def pyscript_config() -> str:
    """pyscript.toml: our own Pyodide, and the Python files the page imports."""
    lines = ["# Written by `make build` (unbg/build/site.py): do not edit.",
             "# Our own Pyodide: without this key PyScript would load it from a CDN.",
             "# assets/pyodide-start.mjs is Pyodide's own module with a faster start (a memory snapshot).",
             'interpreter = "./assets/pyodide-start.mjs"', "", "[files]"]
    # First, so that every module's bytecode is there before PyScript imports its own (bytecode.py).
    lines += [f'"./{APP_BYTECODE.as_posix()}" = "./*"']
    lines += [f'"{name}" = "{name}"' for name in browser_files()]
    return "\n".join(lines) + "\n"


def write_embed_config() -> None:
    """assets/embed.json: the origins (EMBED_ORIGINS) whose pages may embed unbg, for a static host."""
    origins = parse_origins(os.environ.get("EMBED_ORIGINS"))
    (ROOT / "assets" / "embed.json").write_text(json.dumps({"origins": origins}))


def write_source_archive() -> Path:
    """The AGPL offers the source to every user: serve our tracked files as a zip."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True)
    if listed.returncode != 0:
        sys.exit("unbg build: the source archive needs a git checkout")
    out = ROOT / "assets" / "source" / "unbg-source.zip"
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(filter(None, listed.stdout.decode().split("\0"))):
            if (ROOT / name).is_file():
                archive.write(ROOT / name, f"unbg/{name}")
    return out


def main() -> None:
    from .bytecode import compile_standard_library, write_app_bytecode
    from .snapshot import write_python_snapshot

    changed = copy_runtime() + compile_standard_library(NODE / "pyodide", VENDOR / "pyodide" / "python_stdlib.zip")
    write_app_bytecode(NODE / "pyodide", ROOT, browser_files(), VENDOR / "pyscript")
    snapshot = write_python_snapshot(VENDOR / "pyodide")
    (ROOT / "pyscript.toml").write_text(pyscript_config())
    write_embed_config()
    built = build_models()
    write_source_archive()
    print(f"unbg build: {changed} runtime files updated{', Python snapshot made' if snapshot else ''}, "
          f"models built: {', '.join(built) or 'none (up to date)'}")


if __name__ == "__main__":
    main()
