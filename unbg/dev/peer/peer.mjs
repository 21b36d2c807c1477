// The peer, @imgly/background-removal 1.7.0, on its CPU path with ISNet's float16 weights (the
// ones unbg's quality model has), served from our origin (unbg/dev/peer.py lays the files out).
import { preload, removeBackground } from "./vendor/imgly/index.mjs";

const config = {
  publicPath: new URL("./vendor/imgly-data/", import.meta.url).href, // never its CDN
  device: "cpu", model: "isnet_fp16", proxyToWorker: false, debug: false,
  output: { format: "image/png", quality: 0.8 },
};

// A cut of ``blob``: its time (decode, inference, mask and PNG, as unbg's total_ms) and the PNG's size.
window.peerCut = async (blob) => {
  const loadStart = performance.now();
  await preload(config); // once: the model's bytes and its session
  const start = performance.now();
  const png = await removeBackground(blob, config);
  return { loadMs: start - loadStart, totalMs: performance.now() - start, pngBytes: png.size, type: png.type };
};
document.documentElement.dataset.state = "ready";
