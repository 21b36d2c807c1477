// onnxruntime-web, set up and started first as the page loads (index.html starts PyScript once
// it is ready): compiling its WebAssembly and starting its worker and threads then costs the
// first model nothing, and a returning visitor's model loads in the worker while Pyodide boots.
// The Python engine imports this module, awaits `ready` and takes `preloaded`.
import * as ort from "./vendor/ort/ort.wasm.min.mjs";

ort.env.logLevel = "error";
ort.env.wasm.wasmPaths = new URL("./vendor/ort/", import.meta.url).href;
// Threads need cross-origin isolation; without it ask for one and get no warning.
ort.env.wasm.numThreads = crossOriginIsolated ? navigator.hardwareConcurrency : 1;
ort.env.wasm.proxy = true; // inference runs in onnxruntime's worker: the page stays responsive

// The smallest model there is (Identity on one float): creating its session starts the runtime.
const STARTER = Uint8Array.from(atob("CAg6OwoQCgF4EgF5IghJZGVudGl0eRIFc3RhcnRaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgQKABAS"),
                                (c) => c.charCodeAt(0));

export const ready = ort.InferenceSession.create(STARTER, { executionProviders: ["wasm"] })
  .then((session) => session.release())
  .then(() => ort);
ready.catch(() => {}); // a failure is reported when a model is loaded, not as an unhandled rejection

export const MODEL_CACHE = "unbg-models-v1";
const MODELS = new URL("./models/", import.meta.url);

// A model's URL, which is also its Cache Storage key: a new build is a new key.
export function modelUrl(entry) {
  return new URL(`${entry.file}?v=${entry.sha256.slice(0, 16)}`, MODELS).href;
}

// A model the build optimised already needs no optimisation here (see optimised_offline).
export function sessionOptions(entry) {
  return { executionProviders: ["wasm"], graphOptimizationLevel: entry.optimised ? "disabled" : "all" };
}

// The default model's session, if Cache Storage has it (a returning visitor), created while
// Pyodide boots: { name, session, readMs, sessionMs }, or undefined (None to Python).
export const preloaded = ready.then(preloadDefault).catch(() => undefined);

async function preloadDefault() {
  const manifest = await (await fetch(new URL("models.json", MODELS))).json();
  const name = Object.keys(manifest).find((key) => manifest[key].default);
  const cached = name && await (await caches.open(MODEL_CACHE)).match(modelUrl(manifest[name]));
  if (!cached) return undefined;
  const started = performance.now();
  const bytes = new Uint8Array(await cached.arrayBuffer());
  const read = performance.now();
  const session = await ort.InferenceSession.create(bytes, sessionOptions(manifest[name]));
  return { name, session, readMs: Math.round(read - started), sessionMs: Math.round(performance.now() - read) };
}
