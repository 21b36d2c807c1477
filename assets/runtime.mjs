// onnxruntime-web, set up and started as the page loads, while Pyodide is still booting:
// compiling its WebAssembly and starting its worker and threads then costs the first
// model nothing. The Python engine imports this module and awaits `ready`.
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
