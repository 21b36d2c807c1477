// onnxruntime-web, set up as the page loads and started once the page is ready (main.py calls
// start()): compiling its WebAssembly and starting its worker and threads while Pyodide boots
// made the page ready 0.5-1 s later on two cores. The Python engine awaits start().
import * as ort from "./vendor/ort/ort.wasm.min.mjs";

ort.env.logLevel = "error";
ort.env.wasm.wasmPaths = new URL("./vendor/ort/", import.meta.url).href;
// Threads need cross-origin isolation; without it ask for one and get no warning.
ort.env.wasm.numThreads = crossOriginIsolated ? navigator.hardwareConcurrency : 1;
ort.env.wasm.proxy = true; // inference runs in onnxruntime's worker: the page stays responsive

// The smallest model there is (Identity on one float): creating its session starts the runtime.
const STARTER = Uint8Array.from(atob("CAg6OwoQCgF4EgF5IghJZGVudGl0eRIFc3RhcnRaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgQKABAS"),
                                (c) => c.charCodeAt(0));

let started = null;

export function start() {
  started ??= ort.InferenceSession.create(STARTER, { executionProviders: ["wasm"] })
    .then((session) => session.release())
    .then(() => ort);
  return started;
}
