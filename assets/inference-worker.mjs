// onnxruntime-web in a worker of ours, not in its own proxy worker: a run that fails for want of
// memory leaves the WebAssembly memory at its high-water mark (it never shrinks), and ending the
// worker is the only way to give it back; runtime.mjs then starts a fresh one. Its proxy also
// could not be restarted, nor keep outputs on the GPU.
//
// {id, op, ...} → {id, value} or {id, error}; ops: start {backend}, create {model, options} →
// session, run {session, feeds: {name: {type, data, dims}}, fetches} → {name: {type, data, dims}}
// (the data moved, not copied, both ways), release {session}.
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
    sessions.set(id, await ort.InferenceSession.create(model, options));
    return id;
  },
  async run({ session, feeds, fetches }) {
    const tensors = Object.fromEntries(Object.entries(feeds).map(([name, { type, data, dims }]) => [name, new ort.Tensor(type, data, dims)]));
    const results = await sessions.get(session).run(tensors, fetches);
    return Object.fromEntries(fetches.map((name) => [name, { type: results[name].type, data: results[name].data, dims: results[name].dims }]));
  },
  async release({ session }) {
    await sessions.get(session)?.release();
    sessions.delete(session);
  },
};

self.onmessage = async ({ data: { id, op, ...args } }) => {
  try {
    const value = await OPS[op](args);
    postMessage({ id, value }, op === "run" ? Object.values(value).map(({ data }) => data.buffer) : []);
  } catch (error) {
    postMessage({ id, error: String(error?.message ?? error) });
  }
};
