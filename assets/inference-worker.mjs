// onnxruntime-web in a worker of ours, not in its own proxy worker: a run that fails for want of
// memory leaves the WebAssembly memory at its high-water mark (it never shrinks), and ending the
// worker is the only way to give it back; runtime.mjs then starts a fresh one. Its proxy also
// could not be restarted, nor keep outputs on the GPU.
//
// {id, op, ...} → {id, value} or {id, error}; ops: start {backend}, create {model, options} →
// session, run {session, feeds: {name: {type, data, dims}}, fetches, pictures} → {name: {type,
// data, dims}} (the data moved, not copied, both ways), release {session}. Besides the graph's
// outputs, ``fetches`` may name "cutout" and "colour", made here (COMPOSED).
//
// ``pictures`` {name: {bitmap, png, thumbnail}} makes an RGBA output into what the page shows or
// keeps, here: an ImageBitmap, a PNG Blob, a small PNG of at most ``thumbnail`` px a side. On the
// page's thread each of those is a 100-300 ms task at 12 MP (measured); here its pixels never go
// there. A run that makes a PNG says {id, stage: "encode"} when it starts on it.
const BUILDS = { wasm: "./vendor/ort/ort.wasm.min.mjs", webgpu: "./vendor/ort/ort.webgpu.min.mjs" };

// The smallest model there is (Identity on one float): creating its session starts the runtime.
const STARTER = Uint8Array.from(atob("CAg6OwoQCgF4EgF5IghJZGVudGl0eRIFc3RhcnRaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgQKABAS"),
                                (c) => c.charCodeAt(0));

let ort;
const sessions = new Map();
let nextSession = 1;

const OPS = {
  async start({ backend }) {
    ort = await import(BUILDS[backend]);
    ort.env.logLevel = "error";
    ort.env.wasm.wasmPaths = new URL("./vendor/ort/", import.meta.url).href;
    // Threads need cross-origin isolation; without it ask for one and get no warning.
    ort.env.wasm.numThreads = crossOriginIsolated ? navigator.hardwareConcurrency : 1;
    const session = await ort.InferenceSession.create(STARTER, { executionProviders: ["wasm"] });
    await session.release();
  },
  async create({ model, options }) {
    const id = nextSession++;
    try {
      sessions.set(id, await ort.InferenceSession.create(model, options));
    } finally {
      model.buffer.transfer?.(0); // onnxruntime has its own copy: these bytes go now, not whenever the GC runs
    }
    return id;
  },
  async run({ session, feeds, fetches, pictures = {} }, id) {
    const tensors = Object.fromEntries(Object.entries(feeds).map(([name, { type, data, dims }]) => [name, new ort.Tensor(type, data, dims)]));
    const graphFetches = [...new Set(fetches.flatMap((name) => COMPOSED[name] ?? [name]))];
    const results = await sessions.get(session).run(tensors, graphFetches);
    if (Object.values(pictures).some(({ png }) => png)) postMessage({ id, stage: "encode" });
    const value = {};
    for (const name of fetches) {
      const { type, data, dims } = name in COMPOSED ? compose(name, feeds.rgba, results) : results[name];
      value[name] = name in pictures ? await picture(data, dims, pictures[name]) : { type, data: name in COMPOSED ? data.slice() : data, dims };
    }
    const sent = new Set(Object.values(value).map(({ data }) => data?.buffer));
    for (const { data } of [feeds.rgba, ...Object.values(results)]) {
      if (!sent.has(data.buffer)) data.buffer.transfer?.(0); // their bytes go now (48 MB at 12 MP), not whenever the GC runs
    }
    return value;
  },
  async release({ session }) {
    await sessions.get(session)?.release();
    sessions.delete(session);
  },
};

// The cut-out and the editor's opaque colours are made here from the photo's own pixels: the graph
// gives the alpha and the colours of the semi-transparent edge (unbg/build/pipeline.py), not two
// more full-size pictures that onnxruntime's heap would keep (48 MB each at 12 MP). Both are the
// photo's buffer changed in place (colour after the cut-out, whose pictures are made by then).
const COMPOSED = { cutout: ["alpha", "edge_index", "edge_colour"], colour: ["edge_index", "edge_colour"] };

function compose(name, { data: rgba, dims: [height, width] }, { alpha, edge_index: index, edge_colour: colour }) {
  const opaque = name === "colour";
  for (let i = 0, j = 3; j < rgba.length; i++, j += 4) rgba[j] = opaque ? 255 : alpha.data[i];
  const at = index.data, rgb = colour.data;
  for (let k = 0; k < at.length; k++) {
    const j = at[k] * 4;
    rgba[j] = rgb[3 * k];
    rgba[j + 1] = rgb[3 * k + 1];
    rgba[j + 2] = rgb[3 * k + 2];
  }
  return { type: "uint8", data: rgba, dims: [height, width, 4] };
}

async function picture(data, [height, width], { bitmap = false, png = false, thumbnail = 0 }) {
  const image = new ImageData(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width, height);
  return {
    thumbnail: thumbnail ? await smallPng(image, thumbnail) : undefined,
    png: png ? await pngOf(width, height, (context) => context.putImageData(image, 0, 0)) : undefined,
    bitmap: bitmap ? await createImageBitmap(image) : undefined,
  };
}

async function pngOf(width, height, draw) {
  const canvas = new OffscreenCanvas(width, height);
  draw(canvas.getContext("2d"));
  try {
    return await canvas.convertToBlob({ type: "image/png" });
  } finally {
    canvas.width = canvas.height = 0; // its pixels go now, not whenever the GC runs
  }
}

async function smallPng(image, longSide) {
  const scale = Math.min(1, longSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale)), height = Math.max(1, Math.round(image.height * scale));
  const small = await createImageBitmap(image, { resizeWidth: width, resizeHeight: height, resizeQuality: "medium" });
  try {
    return await pngOf(width, height, (context) => context.drawImage(small, 0, 0));
  } finally {
    small.close();
  }
}

// What a reply moves instead of copying: the outputs' bytes and bitmaps.
const moved = (value) => Object.values(value).flatMap(({ data, bitmap }) => [data?.buffer, bitmap].filter(Boolean));

self.onmessage = async ({ data: { id, op, ...args } }) => {
  try {
    const value = await OPS[op](args, id);
    postMessage({ id, value }, op === "run" ? moved(value) : []);
  } catch (error) {
    postMessage({ id, error: String(error?.message ?? error) });
  }
};
