"""make serve: the policy on every response, and text and WebAssembly gzipped for browsers that ask."""

from __future__ import annotations

import gzip
import urllib.request

import pytest

from unbg.build.site import ROOT
from unbg.dev.serve import start_server


@pytest.fixture(scope="module")
def base_url():
    server = start_server()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def get(url: str, **headers: str):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
        return response.headers, response.read()


def test_webassembly_is_sent_gzipped_to_a_browser_that_asks(base_url):
    path = "assets/vendor/pyodide/pyodide.asm.wasm"
    headers, body = get(base_url + path, **{"Accept-Encoding": "gzip, deflate, br"})
    assert headers["Content-Encoding"] == "gzip" and headers["Content-Type"] == "application/wasm"
    assert gzip.decompress(body) == (ROOT / path).read_bytes()
    assert len(body) < (ROOT / path).stat().st_size / 2
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    plain_headers, plain = get(base_url + path)
    assert plain_headers["Content-Encoding"] is None and plain == (ROOT / path).read_bytes()


def test_the_models_and_small_files_are_sent_as_they_are(base_url):
    for path in ("assets/models/fast.onnx", "assets/models/models.json"):  # barely compresses; under 1 KB
        request = urllib.request.Request(base_url + path, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] is None, path
