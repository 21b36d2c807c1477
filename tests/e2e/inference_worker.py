"""Hooks into onnxruntime's worker for the e2e tests: scripts the dev server puts before the
worker's own file (``server.preludes``), and the page script that marks the next run message."""

# A run message marked `loseDevice` first destroys the GPU device onnxruntime made (as a driver
# reset or a GPU process crash would lose it).
LOSE_DEVICE_ON_MARKED_RUN = """
const unbgDevices = [];
const unbgRequestDevice = GPUAdapter.prototype.requestDevice;
GPUAdapter.prototype.requestDevice = async function (...args) {
  const device = await unbgRequestDevice.apply(this, args);
  unbgDevices.push(device);
  return device;
};
self.addEventListener("message", ({ data }) => {
  if (data.loseDevice) for (const device of unbgDevices) device.destroy();
});
"""

# A message marked `crash` meets an error nothing in the worker catches, before the worker's own handler.
CRASH_ON_MARKED_MESSAGE = """
self.addEventListener("message", ({ data }) => {
  if (data.crash) throw new Error("a crash for a test");
});
"""

# Which onnxruntime worker each run message goes to, by the order the page first messaged them:
# window.unbgRunWorkers, e.g. [0, 0, 1]; window.unbgWorkersMessaged, how many it messaged.
RECORD_RUN_WORKERS = """
const post = Worker.prototype.postMessage;
const workers = [];
window.unbgRunWorkers = [];
Worker.prototype.postMessage = function (message, ...rest) {
  if (message?.op && !workers.includes(this)) workers.push(this);
  if (message?.op === "run") window.unbgRunWorkers.push(workers.indexOf(this));
  window.unbgWorkersMessaged = workers.length;
  return post.call(this, message, ...rest);
};
"""

# The next run message the page sends onnxruntime's worker gets arguments[0] set (window.unbgMarked
# then); window.unbgInferenceWorker is the worker the page last sent one of its messages.
MARK_NEXT_RUN = """
const [mark] = arguments;
const post = Worker.prototype.postMessage;
window.unbgMarked = false;
Worker.prototype.postMessage = function (message, ...rest) {
  if (message?.op) window.unbgInferenceWorker = this;
  if (message?.op === "run" && !window.unbgMarked) {
    window.unbgMarked = true;
    message[mark] = true;
  }
  return post.call(this, message, ...rest);
};
"""
