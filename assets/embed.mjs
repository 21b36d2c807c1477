// Embed unbg in a page of yours; nothing leaves the person's device.
//
//   import { mount } from "https://unbg.example/assets/embed.mjs";
//   const widget = mount(document.querySelector("#cutter"), { src: "https://unbg.example/?embed=1" });
//   const { blob, width, height } = await widget.cut(file, { output: "cutout" }, { onProgress, signal });
//
// Your page's origin must be in the widget's EMBED_ORIGINS. No dependencies.

export function mount(element, { src, allow = "cross-origin-isolated" } = {}) {
  const url = new URL(src, location.href);
  const frame = document.createElement("iframe");
  frame.src = url.href;
  frame.allow = allow; // threads for the widget, where this page is itself isolated
  frame.title = "unbg: remove the background";
  frame.style.cssText = "border: 0; width: 100%; height: 100%; min-height: 480px";
  const pending = new Map(); // id → {resolve, reject, onProgress}
  let announce;
  const ready = new Promise((resolve) => (announce = resolve));

  function onMessage(event) {
    if (event.origin !== url.origin || event.source !== frame.contentWindow) return;
    const data = event.data || {};
    if (data.type === "unbg:ready") return announce(data);
    const job = pending.get(data.id);
    if (!job) return;
    if (data.type === "unbg:progress") {
      job.onProgress?.(data);
    } else if (data.type === "unbg:result") {
      pending.delete(data.id);
      const blob = data.blob ?? new Blob([data.buffer], { type: "image/png" });
      job.resolve({ blob, width: data.width, height: data.height, timings: data.timings });
    } else if (data.type === "unbg:error") {
      pending.delete(data.id);
      job.reject(Object.assign(new Error(data.message), { code: data.code }));
    }
  }
  addEventListener("message", onMessage);
  element.append(frame);

  let count = 0;
  const post = (message) => frame.contentWindow.postMessage(message, url.origin);

  async function cut(image, options = {}, { onProgress, signal } = {}) {
    await ready;
    const id = `cut-${++count}`;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, onProgress });
      signal?.addEventListener("abort", () => post({ type: "unbg:cancel", id }), { once: true });
      post({ type: "unbg:cut", id, image, options });
    });
  }

  function destroy() {
    removeEventListener("message", onMessage);
    frame.remove();
    for (const job of pending.values()) job.reject(Object.assign(new Error("The widget was removed."), { code: "cancelled" }));
    pending.clear();
  }

  return { frame, ready, cut, destroy };
}
