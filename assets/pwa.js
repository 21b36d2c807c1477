// The built site's side of its service worker (sw.js): register it, reload once to become
// cross-origin isolated where the host sends no headers, offer a new build only when the person
// says so, and take photos from the share sheet or the OS's "open with". Not in `make serve`.
"use strict";
(() => {
  if (!("serviceWorker" in navigator)) return;
  const worker = navigator.serviceWorker;
  const RELOADED = "unbg-isolation-reload"; // one automatic reload per tab session: never a loop
  const OFFLINE_SHOWN = "unbg-offline-ready";
  const SHARED_CACHE = "unbg-shared";
  const html = document.documentElement;
  const body = new Promise((resolve) => document.readyState === "loading"
    ? addEventListener("DOMContentLoaded", resolve, { once: true }) : resolve());
  let switching = false;

  html.dataset.worker = worker.controller ? "controlled" : "none";
  const registered = worker.register("./sw.js", { scope: "./" });
  registered.catch((error) => console.warn("unbg: no service worker:", error.message));

  // -- isolation -------------------------------------------------------------
  function quiet() { // nothing of the person's would be lost by a reload
    const zone = document.querySelector("[data-component=dropzone]");
    return html.dataset.state !== "busy" && (html.dataset.jobsDone || "0") === "0" && !(zone && zone.dataset.early);
  }
  function reloadForIsolation() {
    if (crossOriginIsolated || window.parent !== window || sessionStorage.getItem(RELOADED) || !quiet()) return;
    sessionStorage.setItem(RELOADED, "1");
    location.replace(location.href); // not reload(): after a hard reload that one bypasses the worker again
  }
  if (crossOriginIsolated) sessionStorage.removeItem(RELOADED);
  registered.then((registration) => {
    // A worker is there but this page came straight from the host, without its headers: a hard
    // reload bypasses the worker (Chromium may still report a controller then).
    if (registration.active) reloadForIsolation();
  }, () => {});
  worker.addEventListener("controllerchange", () => {
    html.dataset.worker = "controlled";
    if (switching) location.reload(); // the person asked for the new build
    else reloadForIsolation(); // the first visit: the worker has just taken the page
  });

  // -- notices ---------------------------------------------------------------
  async function notice(text, action) {
    await body;
    const bar = document.createElement("div");
    bar.className = "notice";
    bar.setAttribute("role", "status");
    bar.dataset.testid = action ? "update-notice" : "offline-notice";
    bar.append(text);
    if (action) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button";
      button.textContent = action.label;
      button.dataset.testid = "update-reload";
      button.addEventListener("click", action.run);
      bar.append(" ", button);
    } else {
      setTimeout(() => bar.remove(), 8000);
    }
    document.body.append(bar);
  }

  // -- updates: a new build waits until the person chooses to reload --------
  function offerUpdate(registration) {
    if (document.querySelector("[data-testid=update-notice]")) return;
    notice("Update available — ", { label: "Reload", run() {
      switching = true;
      registration.waiting.postMessage("unbg:switch");
    } });
  }
  registered.then((registration) => {
    if (registration.waiting && worker.controller) offerUpdate(registration);
    registration.addEventListener("updatefound", () => {
      const next = registration.installing;
      next.addEventListener("statechange", () => {
        if (next.state === "installed" && worker.controller) offerUpdate(registration);
      });
    });
    addEventListener("visibilitychange", () => document.visibilityState === "visible" && registration.update());
    setInterval(() => registration.update(), 3600 * 1000);
  }, () => {});

  // -- offline ready, and storage the browser keeps --------------------------
  // The page dispatches unbg:model-cached once a model is in Cache Storage.
  addEventListener("unbg:model-cached", async () => {
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
    const registration = await registered.catch(() => null);
    if (registration && registration.active && !localStorage.getItem(OFFLINE_SHOWN)) {
      localStorage.setItem(OFFLINE_SHOWN, "1");
      html.dataset.offlineReady = "";
      notice("Ready to work offline: the app and its model are saved on this device.");
    }
  });

  // -- photos from the share sheet (sw.js keeps them) and from "open with" --
  async function give(files) {
    await body;
    if (files.length) window.unbgEarly.give(files);
  }
  const shared = new URLSearchParams(location.search).get("shared");
  if (shared) {
    history.replaceState(null, "", location.pathname); // a refresh must not cut them again
    caches.open(SHARED_CACHE).then(async (cache) => {
      const prefix = `/${shared}/`;
      const requests = (await cache.keys()).filter((request) => new URL(request.url).pathname.includes(prefix));
      requests.sort((a, b) => Number(a.url.split("/").pop()) - Number(b.url.split("/").pop()));
      const files = [];
      for (const request of requests) {
        const response = await cache.match(request);
        const name = decodeURIComponent(response.headers.get("X-Unbg-Name") || "shared photo");
        files.push(new File([await response.blob()], name, { type: response.headers.get("Content-Type") || "" }));
        await cache.delete(request);
      }
      await give(files);
    });
  }
  if ("launchQueue" in window) {
    window.launchQueue.setConsumer(async (params) => give(await Promise.all(params.files.map((h) => h.getFile()))));
  }
})();
