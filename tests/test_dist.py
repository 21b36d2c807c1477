"""make dist: what the static site holds, and the headers it asks a host for."""

from __future__ import annotations

import gzip
import json
import tomllib

import pytest

from unbg.build.dist import build_dist, served_files, sha256, shell_files, shell_hashes, write_worker
from unbg.build.headers import ISOLATION

EVERY_RESPONSE = (*ISOLATION, "Cross-Origin-Resource-Policy", "Content-Security-Policy")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dist")
    build_id = build_dist(folder)
    return folder, build_id


def header_rules(folder) -> dict[str, dict[str, str]]:
    rules, path = {}, None
    for line in (folder / "_headers").read_text().splitlines():
        if line and not line.startswith(" "):
            assert line not in rules, f"{line} twice: a host would merge them"
            path, rules[line] = line, {}
        elif line.strip():
            name, value = line.strip().split(": ", 1)
            rules[path][name] = value
    return rules


GPU_RUNTIME = ("ort.webgpu.min.mjs", "ort-wasm-simd-threaded.asyncify.mjs", "ort-wasm-simd-threaded.asyncify.wasm")


def test_the_site_holds_what_the_page_loads_and_nothing_else(site):
    folder, _ = site
    files = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}
    assert {"index.html", "sw.js", "manifest.webmanifest", "_headers", "main.py", "pyscript.toml"} <= files
    assert not [name for name in files if name.endswith(".map") or "node_modules" in name or "codemirror" in name]
    assert not [name for name in files if name.startswith("assets/vendor/ort/") and "jsep" in name]
    assert {f"assets/vendor/ort/{name}" for name in GPU_RUNTIME} <= files
    for name in tomllib.loads((folder / "pyscript.toml").read_text())["files"]:
        assert name[2:] in files  # every Python file the page imports, and their bytecode
    index = (folder / "index.html").read_text()
    assert 'rel="manifest"' in index and "assets/pwa.js" in index


def test_the_models_have_their_hash_in_their_names(site):
    folder, _ = site
    for entry in json.loads((folder / "assets/models/models.json").read_text()).values():
        assert entry["sha256"][:12] in entry["file"]
        assert sha256(folder / "assets/models" / entry["file"]) == entry["sha256"]


def test_the_worker_precaches_every_shell_file_by_its_hash(site):
    folder, build_id = site
    worker = (folder / "sw.js").read_text()
    facts = json.loads(worker.split("const BUILD = ", 1)[1].split(";\n", 1)[0])
    assert facts["id"] == build_id
    assert facts["shell"] == shell_hashes(folder, shell_files(folder)) and "index.html" in facts["shell"]
    # The WebGPU runtime only for pages that use it: kept once asked for, never precached.
    assert set(facts["onDemand"]) == {f"assets/vendor/ort/{name}" for name in GPU_RUNTIME}
    assert not set(facts["onDemand"]) & set(facts["shell"])
    assert facts["onDemand"]["assets/vendor/ort/ort.webgpu.min.mjs"] == sha256(folder / "assets/vendor/ort/ort.webgpu.min.mjs")
    assert not [name for name in facts["shell"] if name.endswith(".onnx")]  # the models have their own cache
    assert facts["pageHeaders"]["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert facts["headers"]["Cross-Origin-Embedder-Policy"] == "require-corp"


def test_a_change_gives_a_new_build(site, tmp_path):
    folder, build_id = site
    other = tmp_path / "other"
    assert build_dist(other) == build_id  # the same sources, the same build
    (other / "main.py").write_text((other / "main.py").read_text() + "\n")
    assert write_worker(other, []) != build_id


def test_every_file_gets_the_isolation_headers_and_the_policy_once(site):
    folder, _ = site
    rules = header_rules(folder)
    for path, headers in rules.items():
        assert all(name in headers for name in EVERY_RESPONSE), path
        assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert rules["/"]["Cache-Control"] == rules["/sw.js"]["Cache-Control"] == "no-cache"
    assert rules["/"]["Cross-Origin-Resource-Policy"] == "cross-origin"  # an isolated host may frame it
    models = [path for path in rules if path.endswith(".onnx")]
    assert models and all("immutable" in rules[path]["Cache-Control"] for path in models)
    for name in served_files(folder):  # every file is under exactly one rule
        assert sum(path == f"/{name}" or (path.endswith("/*") and f"/{name}".startswith(path[:-1])) for path in rules) == 1, name


def test_the_manifest_makes_an_installable_app(site):
    folder, _ = site
    manifest = json.loads((folder / "manifest.webmanifest").read_text())
    assert manifest["display"] == "standalone" and manifest["start_url"] == "./"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert (folder / icon["src"]).is_file()
    assert manifest["share_target"]["params"]["files"][0]["name"] == "photos"


def test_text_and_webassembly_come_gzipped_too(site):
    folder, _ = site
    wasm = folder / "assets/vendor/pyodide/pyodide.asm.wasm"
    packed = wasm.with_name(wasm.name + ".gz")
    assert gzip.decompress(packed.read_bytes()) == wasm.read_bytes()
    assert packed.stat().st_size < wasm.stat().st_size / 2
    assert not list(folder.glob("assets/models/*.gz"))  # the models barely compress (6-14 %)
