"""The browser side: the only Python that imports js, pyodide or pyscript (besides main.py)."""
