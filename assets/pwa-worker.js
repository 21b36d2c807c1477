// The one service worker of a built site (`make dist` writes it as sw.js, after the BUILD facts):
// the shell and runtime precached per build and checked against their sha256, the isolation
// headers and the content-security-policy on every response it serves (so a host that sends no
// headers still gives onnxruntime its threads), old models pruned, shared photos received.
"use strict";

const SHELL_PREFIX = "unbg-shell-";
const SHELL_CACHE = SHELL_PREFIX + BUILD.id;
const SHARED_CACHE = "unbg-shared"; // photos from the share sheet, until the page takes them
const SCOPE = new URL(self.registration.scope);
const SHA_HEADER = "X-Unbg-Sha256";

const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
const sha256 = async (buffer) => hex(await crypto.subtle.digest("SHA-256", buffer));

self.addEventListener("install", (event) => event.waitUntil(precache()));
self.addEventListener("activate", (event) => event.waitUntil(activate()));
self.addEventListener("message", (event) => {
  if (event.data === "unbg:switch") self.skipWaiting(); // the person chose "Reload" on the update notice
});

// A file of the same content in an older build's cache is taken from there: an update downloads
// only what changed. Anything that does not match this build's hash fails the install (the old
// build keeps running and the browser tries again later), so no page mixes two builds.
// The WebGPU runtime (BUILD.onDemand) is not fetched here, only carried over if an older build kept it.
async function precache() {
  const cache = await caches.open(SHELL_CACHE);
  const older = (await caches.keys()).filter((name) => name.startsWith(SHELL_PREFIX) && name !== SHELL_CACHE);
  const carried = async (url, expected) => {
    for (const name of older) {
      const kept = await (await caches.open(name)).match(url);
      if (kept && kept.headers.get(SHA_HEADER) === expected) return cache.put(url, kept).then(() => true);
    }
    return false;
  };
  await Promise.all(Object.entries(BUILD.onDemand).map(([path, expected]) => carried(new URL(path, SCOPE), expected)));
  await Promise.all(Object.entries(BUILD.shell).map(async ([path, expected]) => {
    const url = new URL(path, SCOPE);
    if (!(await carried(url, expected))) await cache.put(url, await checked(path, await fetch(url, { cache: "no-cache" })));
  }));
}

// ``response`` as this build's ``path`` (its hash in a header), or an error if it is not that file.
async function checked(path, response) {
  if (!response.ok) throw new Error(`unbg: ${path}: HTTP ${response.status}`);
  const expected = BUILD.shell[path] ?? BUILD.onDemand[path];
  const body = await response.arrayBuffer();
  if ((await sha256(body)) !== expected) throw new Error(`unbg: ${path} is not the one of build ${BUILD.id}`);
  const headers = new Headers({ "Content-Type": response.headers.get("Content-Type") || "", [SHA_HEADER]: expected });
  return new Response(body, { headers });
}

// A page with a GPU asked for the WebGPU runtime: fetched once, checked, kept for offline visits.
async function onDemand(request, path) {
  const url = new URL(path, SCOPE);
  const kept = await caches.match(url, { cacheName: SHELL_CACHE });
  if (kept) return kept;
  const response = await checked(path, await fetch(request));
  await (await caches.open(SHELL_CACHE)).put(url, response.clone());
  return response;
}

async function activate() {
  for (const name of await caches.keys()) {
    if (name.startsWith(SHELL_PREFIX) && name !== SHELL_CACHE) await caches.delete(name);
  }
  // Models of older builds are dead weight on a phone: keep only this build's.
  const models = await caches.open(BUILD.modelCache);
  const current = new Set(BUILD.models.map((path) => new URL(path, SCOPE).href));
  for (const request of await models.keys()) {
    if (!current.has(request.url)) await models.delete(request);
  }
  await self.clients.claim();
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin) return; // the page asks for nothing elsewhere; the CSP forbids it
  const path = url.pathname.slice(SCOPE.pathname.length);
  if (request.method === "POST" && path === BUILD.share) event.respondWith(receiveShared(request));
  else if (request.method === "GET") event.respondWith(serve(request, path));
});

async function serve(request, path) {
  const page = path === "" || path === "index.html";
  const key = page ? "index.html" : path;
  let response = key in BUILD.shell ? await caches.match(new URL(key, SCOPE), { cacheName: SHELL_CACHE }) : undefined;
  if (!response && key in BUILD.onDemand) {
    try {
      response = await onDemand(request, key);
    } catch {
      return Response.error(); // offline, or not this build's file: the page runs on WASM
    }
  }
  if (!response) {
    try {
      response = await fetch(request); // the models (kept by the page in their own cache) and anything new
    } catch {
      return Response.error(); // offline and not cached: the page reports it
    }
  }
  return withHeaders(response, page || key === "assets/embed.mjs");
}

function withHeaders(response, framed) {
  if (response.type === "opaqueredirect" || response.status === 0) return response;
  const headers = new Headers(response.headers);
  headers.delete(SHA_HEADER);
  for (const [name, value] of Object.entries(framed ? BUILD.pageHeaders : BUILD.headers)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

// The share sheet posts photos here (manifest share_target): keep them for the page, then send the
// page a GET, so a refresh does not post them again.
async function receiveShared(request) {
  const form = await request.formData();
  const batch = String(Date.now());
  const cache = await caches.open(SHARED_CACHE);
  const files = form.getAll("photos").filter((file) => typeof file !== "string");
  await Promise.all(files.map((file, index) => cache.put(new URL(`${BUILD.share}/${batch}/${index}`, SCOPE),
    new Response(file, { headers: { "Content-Type": file.type, "X-Unbg-Name": encodeURIComponent(file.name) } }))));
  return Response.redirect(new URL(`./?shared=${batch}`, SCOPE).href, 303);
}
