"""Actions on the built site (dist/): its service worker, isolation, policy, updates and share target."""

from __future__ import annotations

import base64

from selenium.common.exceptions import TimeoutException, WebDriverException

from ..core.models import MODEL_CACHE

# Settled: what the page reports once the worker controls it and the app is ready (or not yet: None).
SITE_STATE = """
const html = document.documentElement;
if (html.dataset.state !== 'ready') return null;
return {isolated: crossOriginIsolated, controlled: !!navigator.serviceWorker.controller,
        threads: Number(html.dataset.threads), url: location.href,
        tagline: document.querySelector('.tagline').textContent,
        reloaded: sessionStorage.getItem('unbg-isolation-reload')};
"""

# An inline script the policy must block: it reports whether it ran and what the page saw.
INLINE_SCRIPT_BLOCKED = """
const done = arguments[0];
let violated = null;
document.addEventListener('securitypolicyviolation', e => { violated = e.violatedDirective; }, {once: true});
const script = document.createElement('script');
script.textContent = 'window.unbgInlineRan = true';
document.body.append(script);
setTimeout(() => done({ran: !!window.unbgInlineRan, violated}), 200);
"""

# A photo posted to the share target as the share sheet would: a multipart form, navigated to.
SHARE = """
const [b64, name, type] = arguments;
const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
const form = document.createElement('form');
form.method = 'post'; form.enctype = 'multipart/form-data'; form.action = './share';
const input = document.createElement('input');
input.type = 'file'; input.name = 'photos';
const files = new DataTransfer();
files.items.add(new File([bytes], name, {type}));
input.files = files.files;
form.append(input); document.body.append(form); form.submit();
"""

FLIP_CACHED_MODEL_BYTE = """
const [cacheName, done] = arguments;
caches.open(cacheName).then(async cache => {
  const [request] = await cache.keys();
  const bytes = new Uint8Array(await (await cache.match(request)).arrayBuffer());
  bytes[bytes.length >> 1] ^= 0x01;
  await cache.put(request, new Response(bytes));
  done(request.url);
});
"""

CACHED_MODEL_SHA256 = """
const [cacheName, url, done] = arguments;
caches.open(cacheName).then(async cache => {
  const response = await cache.match(url);
  if (!response) return done(null);
  const digest = await crypto.subtle.digest('SHA-256', await response.arrayBuffer());
  done([...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, '0')).join(''));
});
"""


class SiteActions:
    def site_state(self) -> dict | None:
        try:
            return self.script(SITE_STATE)
        except WebDriverException:  # the page is between two documents (its reload)
            return None

    def wait_until_isolated(self, timeout: float = 90) -> dict:
        """The first visit reloads once, under the worker: wait for that page to be ready and isolated."""
        seen = []

        def isolated(driver):
            state = self.site_state()
            seen[:] = [state]
            return state and state["isolated"] and state["controlled"] and state
        try:
            return self.wait_for(isolated, timeout)
        except TimeoutException:
            raise AssertionError(f"the page never became isolated; last seen: {seen}") from None

    def wait_until_ready_again(self, timeout: float = 90) -> dict:
        return self.wait_for(lambda d: self.site_state(), timeout)

    def hard_reload(self) -> None:
        """Shift+Reload: the browser bypasses the service worker for this load."""
        self.driver.execute_cdp_cmd("Page.reload", {"ignoreCache": True})

    def installability_errors(self) -> list:
        return self.driver.execute_cdp_cmd("Page.getInstallabilityErrors", {})["installabilityErrors"]

    def response_headers(self, path: str) -> dict:
        """The headers of ``path`` as the page gets it (through its service worker, if any)."""
        return self.async_script("fetch(arguments[0]).then(r => arguments[1](Object.fromEntries(r.headers)))", path)

    def inline_script_blocked(self) -> dict:
        return self.async_script(INLINE_SCRIPT_BLOCKED)

    def shell_caches(self) -> list[str]:
        return self.async_script("caches.keys().then(keys => arguments[0](keys.filter(k => k.startsWith('unbg-shell-'))))")

    def check_for_update(self) -> None:
        """What the page does when the person comes back to its tab: ask the host for a new build."""
        self.script("document.dispatchEvent(new Event('visibilitychange', {bubbles: true}))")

    def share(self, data: bytes, name: str, mime: str) -> None:
        self.script(SHARE, base64.b64encode(data).decode(), name, mime)

    def flip_a_cached_model_byte(self) -> str:
        """Damage the saved model in Cache Storage; returns its URL."""
        return self.async_script(FLIP_CACHED_MODEL_BYTE, MODEL_CACHE)

    def cached_model_sha256(self, url: str) -> str | None:
        return self.async_script(CACHED_MODEL_SHA256, MODEL_CACHE, url)

    def resource_count(self, path_part: str) -> int:
        """How many times this document fetched a URL containing ``path_part`` (performance entries)."""
        return self.script("return performance.getEntriesByType('resource')"
                           ".filter(e => e.name.includes(arguments[0])).length", path_part)

    # -- Python's start from a memory snapshot (assets/pyodide-start.mjs) --------
    def python_snapshot_bytes(self) -> int:
        """The size of the kept snapshot of a started Pyodide, 0 if there is none."""
        return self.async_script("caches.open('unbg-pyodide').then(c => c.keys().then(async keys => "
                                 "arguments[0](keys.length ? (await (await c.match(keys[0])).arrayBuffer()).byteLength : 0)))")

    def forget_python_snapshot(self) -> None:
        """A first visit for Python: no snapshot kept in this browser."""
        self.async_script("caches.delete('unbg-pyodide').then(() => arguments[0]())")

    def damage_python_snapshot(self) -> None:
        self.async_script("caches.open('unbg-pyodide').then(async c => { const [key] = await c.keys();"
                          "await c.put(key, new Response(new Uint8Array(4096).fill(7))); arguments[0](); })")
