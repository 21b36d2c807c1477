"""Python compiled to bytecode once here, instead of in every visitor's browser.

Pyodide's npm package ships its standard library as source (python_stdlib.zip: 559 .py, no .pyc),
and PyScript and we ship ours as source, so the browser compiled every module it imported on every
visit: `urllib.parse` alone cost 120-156 ms of the start (7-19 ms from bytecode), our imports
240-290 ms (130-180 ms from bytecode), and PyScript's package was most of its one task over 200 ms
(all measured). The bytecode must be the browser's Python's (3.14, not this machine's), so Pyodide
compiles it, in Node.

- The standard library becomes a zip of bytecode only (zipimport imports it without a source;
  tracebacks from it show no source lines). The Python snapshot is made from this zip (its import
  caches know the zip's layout), so snapshot.py lists it as an input.
- PyScript's package (its bundle writes it to the file system at each start) and ours go into
  assets/python/bytecode.zip, which pyscript.toml unpacks into the home folder before PyScript
  imports anything: each module's `__pycache__` entry as a *checked* hash-based .pyc, so Python
  compiles the source again whenever it differs (an edit served before the next build, or a
  PyScript whose text changed), never runs stale code.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

APP_BYTECODE = Path("assets") / "python" / "bytecode.zip"
PYSCRIPT_PACKAGE = '{pyscript:{"__init__.py":'  # where PyScript's bundle holds its Python package

# Node, as an ES module: argv[1] is Pyodide's folder (trailing slash); stdin a JSON job that names
# the zip to write ("target") and either
# {"stdlib": source zip}: each module compiled under the name Python gives its source in the
# browser (/lib/python314.zip/…), as a timestamp .pyc that zipimport takes as is, or
# {"sources": {path under home: text}, "comment": str}: checked hash-based .pyc files at the paths
# Python looks for them (importlib.util.cache_from_source in Pyodide's own Python).
COMPILE = """
const { loadPyodide } = await import(new URL("pyodide.mjs", "file://" + process.argv[1]).href);
const fs = await import("node:fs");
const job = JSON.parse(fs.readFileSync(0, "utf8"));
const pyodide = await loadPyodide({ indexURL: process.argv[1], stdout: () => {}, stderr: () => {} });
if (job.stdlib) pyodide.FS.writeFile("/tmp/source.zip", fs.readFileSync(job.stdlib));
pyodide.globals.set("job", pyodide.toPy(job));
pyodide.runPython(`
import importlib._bootstrap_external as bootstrap, importlib.util, os, sys, zipfile
with zipfile.ZipFile("/tmp/target.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
    if "stdlib" in job:
        prefix = next(path for path in sys.path if path.endswith(".zip")) + "/"
        with zipfile.ZipFile("/tmp/source.zip") as source:
            for info in source.infolist():
                data = source.read(info)
                if info.filename.endswith(".py"):
                    code = compile(data, prefix + info.filename, "exec", dont_inherit=True)
                    target.writestr(info.filename + "c", bootstrap._code_to_timestamp_pyc(code, 0, 0))
                else:
                    target.writestr(info, data)
    else:
        home = os.getcwd()
        for name, text in job["sources"].items():
            path, data = os.path.normpath(os.path.join(home, name)), text.encode()
            code = compile(data, path, "exec", dont_inherit=True)
            pyc = bootstrap._code_to_hash_pyc(code, importlib.util.source_hash(data), checked=True)
            target.writestr(os.path.relpath(importlib.util.cache_from_source(path), home), pyc)
        target.comment = job["comment"].encode()
`);
fs.writeFileSync(job.target, pyodide.FS.readFile("/tmp/target.zip"));
"""


def _compile(pyodide_package: Path, job: dict, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    made = subprocess.run(["node", "--input-type=module", "-e", COMPILE, f"{pyodide_package.resolve()}/"],
                          input=json.dumps({**job, "target": str(partial)}), capture_output=True, text=True, timeout=300)
    if made.returncode != 0:
        partial.unlink(missing_ok=True)
        sys.exit(f"unbg build: compiling Python to bytecode failed: {made.stderr.strip().splitlines()[-1:]}")
    partial.replace(target)


def compile_standard_library(pyodide_package: Path, target: Path) -> bool:
    """Write ``target``, the package's python_stdlib.zip as bytecode, unless it is newer than its source."""
    source = pyodide_package / "python_stdlib.zip"
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return False
    _compile(pyodide_package, {"stdlib": str(source)}, target)
    return True


def pyscript_sources(bundle_dir: Path) -> dict[str, str]:
    """PyScript's Python package as its bundle writes it at each start: {"./pyscript/x.py": text}."""
    for bundle in sorted(bundle_dir.glob("*.js")):
        text = bundle.read_text()
        start = text.find(PYSCRIPT_PACKAGE)
        if start >= 0:
            # Its files are an object literal of JSON strings: {"__init__.py": "…", …}.
            package, _ = json.JSONDecoder().raw_decode(text, start + len("{pyscript:"))
            return {f"./pyscript/{name}": source for name, source in package.items()}
    return {}


def write_app_bytecode(pyodide_package: Path, root: Path, files: list[str], bundle_dir: Path) -> bool:
    """assets/python/bytecode.zip for ``files`` (./-relative, as pyscript.toml names them) and PyScript's
    package; only when any of their texts changed. Returns whether it was written."""
    sources = {name: (root / name).read_text() for name in files if name.endswith(".py")}
    package = pyscript_sources(bundle_dir)
    if not package:
        print("unbg build: PyScript's Python package was not found in its bundle; its modules compile in the browser")
    sources.update(package)
    version = (pyodide_package / "package.json").read_text()
    digest = hashlib.sha256(json.dumps([version, sources], sort_keys=True).encode()).hexdigest()
    target = root / APP_BYTECODE
    if target.exists():
        with zipfile.ZipFile(target) as existing:
            if existing.comment.decode() == digest:
                return False
    _compile(pyodide_package, {"sources": sources, "comment": digest}, target)
    return True
