"""make build: the standard library the page loads is the browser's Python's bytecode, not source to compile."""

from __future__ import annotations

import zipfile

from unbg.build.site import NODE, VENDOR


def test_the_served_standard_library_is_bytecode_for_every_module_of_pyodides():
    with zipfile.ZipFile(NODE / "pyodide" / "python_stdlib.zip") as source:
        modules = {name for name in source.namelist() if name.endswith(".py")}
    with zipfile.ZipFile(VENDOR / "pyodide" / "python_stdlib.zip") as served:
        names = set(served.namelist())
        headers = {served.read(name)[:4] for name in names if name.endswith(".pyc")}
    assert not {name for name in names if name.endswith(".py")}  # nothing left for the browser to compile
    assert {name + "c" for name in modules} <= names
    assert len(headers) == 1  # one Python's magic number, and not this machine's (3.11):
    assert headers != {b"\xa7\r\r\n"}
