"""make build: the Python the page imports arrives as the browser's Python's bytecode, not source to compile."""

from __future__ import annotations

import struct
import zipfile
from pathlib import PurePosixPath

from unbg.build.bytecode import APP_BYTECODE, pyscript_sources
from unbg.build.site import NODE, ROOT, VENDOR, browser_files

CHECKED_HASH = 0b11  # a hash-based .pyc whose source Python checks: an edited file is compiled again


def test_the_served_standard_library_is_bytecode_for_every_module_of_pyodides():
    with zipfile.ZipFile(NODE / "pyodide" / "python_stdlib.zip") as source:
        modules = {name for name in source.namelist() if name.endswith(".py")}
    with zipfile.ZipFile(VENDOR / "pyodide" / "python_stdlib.zip") as served:
        names = set(served.namelist())
        magic = {served.read(name)[:4] for name in names if name.endswith(".pyc")}
    assert not {name for name in names if name.endswith(".py")}  # nothing left for the browser to compile
    assert {name + "c" for name in modules} <= names
    assert len(magic) == 1


def test_our_modules_and_pyscripts_have_checked_bytecode_where_python_looks_for_it():
    package = pyscript_sources(VENDOR / "pyscript")
    assert "./pyscript/__init__.py" in package and "./pyscript/web.py" in package
    with zipfile.ZipFile(ROOT / APP_BYTECODE) as archive:
        entries = {PurePosixPath(name): archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(VENDOR / "pyodide" / "python_stdlib.zip") as stdlib:
        magic = stdlib.read("os.pyc")[:4]  # the browser's Python's
    for name in browser_files() + list(package):
        source = PurePosixPath(name[2:])
        found = [pyc for path, pyc in entries.items()
                 if path.parent == source.parent / "__pycache__" and path.name.startswith(source.stem + ".")]
        assert len(found) == 1, f"no bytecode for {name}"
        assert found[0][:4] == magic and struct.unpack("<I", found[0][4:8])[0] == CHECKED_HASH
