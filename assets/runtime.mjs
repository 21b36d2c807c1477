// onnxruntime-web, started once the page is ready (main.py calls start()): compiling its
// WebAssembly and starting its worker and threads while Pyodide boots made the page ready 0.5-1 s
// later on two cores. The Python engine awaits start(backend).
//
// Two builds: the WASM one for every page, the WebGPU one (it runs WASM sessions too, on a
// larger .wasm) only for a page that uses a GPU, so WASM-only visitors never download it.
const BUILDS = { wasm: "./vendor/ort/ort.wasm.min.mjs", webgpu: "./vendor/ort/ort.webgpu.min.mjs" };

// The smallest model there is (Identity on one float): creating its session starts the runtime.
const STARTER = Uint8Array.from(atob("CAg6OwoQCgF4EgF5IghJZGVudGl0eRIFc3RhcnRaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgQKABAS"),
                                (c) => c.charCodeAt(0));

const started = {};

async function startBuild(backend) {
  const ort = await import(BUILDS[backend]);
  ort.env.logLevel = "error";
  ort.env.wasm.wasmPaths = new URL("./vendor/ort/", import.meta.url).href;
  // Threads need cross-origin isolation; without it ask for one and get no warning.
  ort.env.wasm.numThreads = crossOriginIsolated ? navigator.hardwareConcurrency : 1;
  ort.env.wasm.proxy = true; // inference runs in onnxruntime's worker (WebGPU too): the page stays responsive
  const session = await ort.InferenceSession.create(STARTER.slice(), { executionProviders: ["wasm"] });
  await session.release();
  return ort;
}

// onnxruntime for ``backend`` ("wasm" or "webgpu"), started once.
export function start(backend = "wasm") {
  started[backend] ??= startBuild(backend);
  return started[backend];
}
