"""Pyodide's standard library compiled to bytecode once here, instead of in every visitor's browser.

Pyodide's npm package ships its standard library as source (python_stdlib.zip: 559 .py, no .pyc),
so every module a page imports after the start is compiled by the browser on every visit:
`urllib.parse` alone cost 120-156 ms of the page's start (measured), 7-19 ms from bytecode. The
bytecode must be the browser's Python's (3.14, not this machine's), so Pyodide compiles it, in Node.
The zip holds bytecode only (zipimport imports it without a source); tracebacks from the standard
library then show no source lines. The Python snapshot is made from this zip (its import caches
know the zip's layout), so snapshot.py lists it as an input.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# Runs in Node as an ES module: argv[1] is Pyodide's folder (trailing slash), argv[2] the source
# zip, argv[3] the zip to write. Each module is compiled under the name Python would give its
# source in the browser (/lib/python314.zip/…), as a timestamp .pyc that zipimport takes as is.
COMPILE = """
const [dir, source, target] = process.argv.slice(1);
const { loadPyodide } = await import(new URL("pyodide.mjs", "file://" + dir).href);
const fs = await import("node:fs");
const pyodide = await loadPyodide({ indexURL: dir, stdout: () => {}, stderr: () => {} });
pyodide.FS.writeFile("/tmp/source.zip", fs.readFileSync(source));
pyodide.runPython(`
import importlib._bootstrap_external as bootstrap, sys, zipfile
prefix = next(path for path in sys.path if path.endswith(".zip")) + "/"
with zipfile.ZipFile("/tmp/source.zip") as source, zipfile.ZipFile("/tmp/target.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
    for info in source.infolist():
        data = source.read(info)
        if info.filename.endswith(".py"):
            code = compile(data, prefix + info.filename, "exec", dont_inherit=True)
            target.writestr(info.filename + "c", bootstrap._code_to_timestamp_pyc(code, 0, 0))
        else:
            target.writestr(info, data)
`);
fs.writeFileSync(target, pyodide.FS.readFile("/tmp/target.zip"));
"""


def compile_standard_library(pyodide_package: Path, target: Path) -> bool:
    """Write ``target``, the package's python_stdlib.zip as bytecode, unless it is newer than its source.

    Returns whether it was written.
    """
    source = pyodide_package / "python_stdlib.zip"
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    made = subprocess.run(["node", "--input-type=module", "-e", COMPILE, f"{pyodide_package.resolve()}/",
                           str(source), str(partial)], capture_output=True, text=True, timeout=300)
    if made.returncode != 0:
        partial.unlink(missing_ok=True)
        sys.exit(f"unbg build: compiling Python's standard library failed: {made.stderr.strip().splitlines()[-1:]}")
    partial.replace(target)
    return True
