// onnxruntime-web, in a worker of ours (inference-worker.mjs), started once the page is ready
// (main.py calls start()): compiling its WebAssembly and starting its threads while Pyodide boots
// made the page ready 0.5-1 s later on two cores. The Python engine awaits start(backend) and uses
// what it gives as it would onnxruntime itself: InferenceSession.create, Tensor, session.run and
// release; and stop(), after a run failed: the worker ends, its memory with it, and the next
// start() makes a fresh one.
//
// Two builds: the WASM one for every page, the WebGPU one (it runs WASM sessions too, on a
// larger .wasm) only for a page that uses a GPU, so WASM-only visitors never download it.
const WORKER = new URL("./inference-worker.mjs", import.meta.url);

class Tensor {
  constructor(type, data, dims) {
    Object.assign(this, { type, data, dims });
  }
}

function startWorker(backend) {
  const worker = new Worker(WORKER, { type: "module" });
  const pending = new Map();
  let nextCall = 1, stopped = null;
  const stop = (reason) => { // the next start() makes a fresh worker
    stopped ??= reason;
    if (started[backend] === ready) delete started[backend];
    worker.terminate();
    for (const { reject } of pending.values()) reject(stopped);
    pending.clear();
  };
  const call = (op, args, transfer = [], onStage = undefined) => new Promise((resolve, reject) => {
    if (stopped) return reject(stopped);
    const id = nextCall++;
    pending.set(id, { resolve, reject, onStage });
    worker.postMessage({ id, op, ...args }, transfer);
  });
  worker.onmessage = ({ data: { id, value, error, stage } }) => {
    const waiting = pending.get(id);
    if (stage !== undefined) return waiting?.onStage?.(stage); // the call goes on
    pending.delete(id);
    if (error === undefined) waiting?.resolve(value);
    else waiting?.reject(new Error(error));
  };
  worker.onerror = (event) => {
    event.preventDefault(); // said through the job that was running (if one was), not as an uncaught error
    stop(new Error(`onnxruntime stopped (${event.message})`));
  };
  const InferenceSession = {
    async create(model, options) {
      // The bytes move to the worker, not a copy (44-88 MB): the caller's digest has its own copy
      // (crypto.subtle.digest copies when called), and a retry reads the cache again.
      const bytes = model instanceof ArrayBuffer ? new Uint8Array(model) : model;
      const session = await call("create", { model: bytes, options }, [bytes.buffer]);
      return {
        // A Tensor is its type, data and dims: it moves as it is. ``pictures`` and ``onStage``: see inference-worker.mjs.
        run(feeds, fetches, pictures = {}, onStage = undefined) {
          return call("run", { session, feeds, fetches, pictures }, [...new Set(Object.values(feeds).map(({ data }) => data.buffer))],
                      onStage);
        },
        release: () => call("release", { session }),
      };
    },
  };
  const runtime = {
    InferenceSession,
    Tensor,
    get stopped() { // its worker ended: stopped, or by itself (an error nothing in it caught)
      return stopped !== null;
    },
    stop() {
      stop(new Error("onnxruntime was stopped"));
    },
  };
  const ready = call("start", { backend }).then(() => runtime, (error) => {
    stop(error); // a worker whose build did not load has nothing left to do
    throw error;
  });
  return ready;
}

const started = {};

// onnxruntime for ``backend`` ("wasm" or "webgpu"), started once (again after stop()).
export function start(backend = "wasm") {
  started[backend] ??= startWorker(backend);
  return started[backend];
}
