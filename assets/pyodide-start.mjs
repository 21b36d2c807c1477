// Pyodide with a faster start: pyscript.toml names this module as the interpreter. Python starts
// from a memory snapshot of a started Pyodide (31 MB, 6 MB gzipped; none of our code in it) instead
// of booting: loadPyodide ~0.3 s instead of ~2.4 s on this machine (measured). The site ships one
// (`make build` makes it with Node: unbg/build/snapshot.py); the first one that restores is kept in
// Cache Storage for later visits. A snapshot that fails is dropped; if the site's fails too, Python
// boots, and once the page is ready and idle a throw-away second Pyodide takes a snapshot for the
// next visit (an instance that made a snapshot cannot go on, measured).
import { loadPyodide as boot, version } from "./vendor/pyodide/pyodide.mjs";

export { version };

const indexURL = new URL("./vendor/pyodide/", import.meta.url).href;
const CACHE = "unbg-pyodide";
const KEY = `${indexURL}started-${version}.snapshot`; // the site's snapshot, and the Cache Storage key of ours

async function saved() {
  try {
    const response = await (await caches.open(CACHE)).match(KEY);
    return response ? new Uint8Array(await response.arrayBuffer()) : null;
  } catch {
    return null; // storage blocked: start the long way
  }
}

async function keep(response) {
  const cache = await caches.open(CACHE);
  for (const request of await cache.keys()) await cache.delete(request); // another Pyodide's
  await cache.put(KEY, response);
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
  await keep(new Response(starter.makeMemorySnapshot()));
}

// The site's snapshot, and the keeping of it for later visits (unless the service worker keeps the site):
// from a copy of the response, which Cache Storage takes off this thread (a 31 MB Response made here
// from the bytes cost a 120-270 ms task at the start, measured).
async function fromSite() {
  try {
    const response = await fetch(KEY);
    if (!response.ok) return null;
    const kept = navigator.serviceWorker?.controller ? null : keep(response.clone()).catch(() => {});
    return { snapshot: new Uint8Array(await response.arrayBuffer()), kept };
  } catch {
    return null; // offline before anything was kept: boot
  }
}

// Pyodide's WebAssembly module, handed to loadPyodide as its factory with a pause after it: making the
// instance and restoring the snapshot into it were one ~200 ms task (measured); the pause lets the
// browser paint and take a drop between the two.
async function createPyodideModule(settings) {
  const { default: create } = await import(`${indexURL}pyodide.asm.mjs`);
  const module = await create(settings);
  await new Promise((resolve) => setTimeout(resolve));
  return module;
}

async function restore(source, snapshot, options) {
  const pyodide = await boot({ ...options, indexURL, _loadSnapshot: snapshot, createPyodideModule });
  document.documentElement.dataset.pythonStart = source; // "snapshot" (kept here) or "site-snapshot"
  return pyodide;
}

export async function loadPyodide(options = {}) {
  const kept = await saved();
  if (kept) {
    try {
      return await restore("snapshot", kept, options);
    } catch {
      await caches.delete(CACHE);
    }
  }
  const site = await fromSite(); // a first visit: the site's snapshot
  if (site) {
    try {
      return await restore("site-snapshot", site.snapshot, options);
    } catch {
      site.kept?.then(() => caches.delete(CACHE)); // boot the long way, and never try it again
    }
  }
  const pyodide = await boot({ ...options, indexURL });
  document.documentElement.dataset.pythonStart = "boot";
  snapshotLater().catch(() => {}); // no snapshot: the next visit starts the long way too
  return pyodide;
}
