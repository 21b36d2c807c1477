// Pyodide with a faster start: pyscript.toml names this module as the interpreter. On the first
// visit Pyodide starts as usual; once the page is ready and idle a second, throw-away Pyodide is started
// only to take a memory snapshot of a started Python (31 MB, none of our code in it: an instance
// that made a snapshot cannot go on, measured), kept in Cache Storage. Later visits restore it
// instead of booting Python: loadPyodide ~0.3 s instead of ~2 s on this machine (measured).
// A snapshot this Pyodide cannot restore is dropped and made again.
import { loadPyodide as boot, version } from "./vendor/pyodide/pyodide.mjs";

export { version };

const indexURL = new URL("./vendor/pyodide/", import.meta.url).href;
const CACHE = "unbg-pyodide";
const KEY = `${indexURL}started-${version}.snapshot`; // a Cache Storage key, never fetched

async function saved() {
  try {
    const response = await (await caches.open(CACHE)).match(KEY);
    return response ? new Uint8Array(await response.arrayBuffer()) : null;
  } catch {
    return null; // storage blocked: start the long way
  }
}

async function keep(snapshot) {
  const cache = await caches.open(CACHE);
  for (const request of await cache.keys()) await cache.delete(request); // another Pyodide's
  await cache.put(KEY, new Response(snapshot));
}

function pageReady() {
  const html = document.documentElement;
  return new Promise((resolve) => {
    const check = () => html.dataset.state === "ready" && (observer.disconnect(), resolve());
    const observer = new MutationObserver(check);
    observer.observe(html, { attributes: true, attributeFilter: ["data-state"] });
    check();
  });
}

async function snapshotLater() {
  await pageReady(); // never in the way of the page's own start
  await new Promise((resolve) => requestIdleCallback(resolve, { timeout: 15000 }));
  const starter = await boot({ indexURL, _makeSnapshot: true });
  await keep(starter.makeMemorySnapshot());
}

export async function loadPyodide(options = {}) {
  const snapshot = await saved();
  if (snapshot) {
    try {
      const pyodide = await boot({ ...options, indexURL, _loadSnapshot: snapshot });
      document.documentElement.dataset.pythonStart = "snapshot";
      return pyodide;
    } catch {
      await caches.delete(CACHE);
    }
  }
  const pyodide = await boot({ ...options, indexURL });
  document.documentElement.dataset.pythonStart = "boot";
  snapshotLater().catch(() => {}); // no snapshot: the next visit starts the long way too
  return pyodide;
}
