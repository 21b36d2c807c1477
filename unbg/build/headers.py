"""The response headers the app needs, in one place: `make serve`, dist's `_headers` and its service worker.

Isolation (COOP + COEP) gives onnxruntime-web its threads. The content-security-policy lets
nothing load from, or be sent to, another origin.
"""

from __future__ import annotations

ISOLATION = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
}
# 'wasm-unsafe-eval': Pyodide and onnxruntime compile WebAssembly. 'unsafe-eval': PyScript 0.7
# composes its plugin hooks with Function(...) and does not start without it (measured).
# blob: workers and URLs: onnxruntime's proxy worker, the photos and downloads the page makes.
POLICY = (
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'",
    "worker-src 'self' blob:",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "connect-src 'self' blob: data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)


def content_security_policy(embed_origins: list[str]) -> str:
    """The policy for the page; ``frame-ancestors`` names who may embed it (works only as a header)."""
    return "; ".join([*POLICY, "frame-ancestors " + " ".join(["'self'", *embed_origins])])


def response_headers(embed_origins: list[str], framed: bool) -> dict[str, str]:
    """What every response carries; ``framed``: the page (or embed.mjs) that other origins may load."""
    framing = {
        # An isolated host can frame the page (or import embed.mjs) only if it allows cross-origin use.
        "Cross-Origin-Resource-Policy": "cross-origin",
        # Isolates the page even in a frame of a host that is not isolated (Chromium 137+): threads.
        "Document-Isolation-Policy": "isolate-and-require-corp",
    }
    return {
        **ISOLATION,
        **(framing if framed else {"Cross-Origin-Resource-Policy": "same-origin"}),
        "Content-Security-Policy": content_security_policy(embed_origins),
        "X-Content-Type-Options": "nosniff",
    }
