"""A memory snapshot of a started Python, made here with Node, so a first visit skips Python's boot.

Pyodide's boot (instantiating its WebAssembly, starting Python, the standard library) is the page's
longest task: ~2.4 s on a first visit here. A snapshot of a Pyodide that has booted restores in
~0.3 s, and one made by Node restores in the browser (measured: the app runs from it). It holds
none of our code and no state of this machine (Pyodide's own empty home, no host folders).
assets/pyodide-start.mjs asks for it by this name, and falls back to booting if it fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SUFFIX = ".snapshot"
# Runs in Node as an ES module: argv[1] is Pyodide's folder (with its trailing slash).
MAKE = """
const { loadPyodide, version } = await import(new URL("pyodide.mjs", "file://" + process.argv[1]).href);
const { writeFileSync } = await import("node:fs");
const pyodide = await loadPyodide({ indexURL: process.argv[1], _makeSnapshot: true, env: { HOME: "/home/pyodide" },
                                    stdout: () => {}, stderr: () => {} });
const name = `started-${version}.snapshot`;
writeFileSync(process.argv[1] + name, pyodide.makeMemorySnapshot());
console.log(JSON.stringify({ name }));
"""


def snapshot_inputs(pyodide_dir: Path) -> list[Path]:
    """What a snapshot depends on: Pyodide's runtime and standard library (as bytecode.py compiled it)."""
    return [pyodide_dir / name for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")]


def write_python_snapshot(pyodide_dir: Path) -> bool:
    """Make ``started-<version>.snapshot`` in ``pyodide_dir`` unless one newer than its inputs is there.

    Returns whether one was made. Old versions' snapshots are removed.
    """
    newest_input = max(path.stat().st_mtime for path in snapshot_inputs(pyodide_dir))
    existing = sorted(pyodide_dir.glob(f"*{SUFFIX}"))
    if len(existing) == 1 and existing[0].stat().st_mtime >= newest_input:
        return False
    for old in existing:
        old.unlink()
    made = subprocess.run(["node", "--input-type=module", "-e", MAKE, f"{pyodide_dir.resolve()}/"],
                          capture_output=True, text=True, timeout=300)
    if made.returncode != 0:
        sys.exit(f"unbg build: the Python snapshot failed: {made.stderr.strip().splitlines()[-1:]}")
    name = json.loads(made.stdout.strip().splitlines()[-1])["name"]
    return (pyodide_dir / name).is_file()
