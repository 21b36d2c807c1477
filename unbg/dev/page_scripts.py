"""The JavaScript the page driver runs in the page."""

# Send one `unbg:cut` message to the page and resolve with its final reply; the PNG comes back base64.
# `keep`: the image is the one STAGE_IMAGE put in the page, and the PNG stays there (KEPT_PNG reads
# it): the driver's base64 copies are then made outside the job.
POST_CUT = """
const [bytesB64, options, asBuffer, keep, done] = arguments;
const id = 'job-' + Math.random().toString(36).slice(2);
const bytes = bytesB64 === null ? null : Uint8Array.from(atob(bytesB64), c => c.charCodeAt(0));
const image = keep ? window.unbgStagedImage : bytes === null ? null : asBuffer ? bytes.buffer : new Blob([bytes]);
window.unbgStagedImage = null;
const progress = [];
window.addEventListener('message', async function onMessage(event) {
  const data = event.data;
  if (!data || data.id !== id) return;
  if (data.type === 'unbg:progress') { progress.push(data.stage); return; }
  if (data.type !== 'unbg:result' && data.type !== 'unbg:error') return;
  window.removeEventListener('message', onMessage);
  const reply = {type: data.type, code: data.code, message: data.message, width: data.width, height: data.height,
                 timings: data.timings, notes: data.notes, scaledFrom: data.scaled_from, progress,
                 blobType: data.blob ? data.blob.type : null, png: null, sentDetached: asBuffer && bytes.buffer.byteLength === 0};
  if (keep) { window.unbgKeptPng = data.blob; done(reply); return; }
  if (data.blob) reply.png = await base64Of(await data.blob.arrayBuffer());
  if (data.buffer) { reply.png = await base64Of(data.buffer); reply.buffer = true; }
  done(reply);
});
window.postMessage({type: 'unbg:cut', id, image, options}, location.origin, asBuffer && image ? [image] : []);
"""

STAGE_IMAGE = "window.unbgStagedImage = new Blob([Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0))]);"

KEPT_PNG = """
const [done] = arguments;
const blob = window.unbgKeptPng;
window.unbgKeptPng = null;
blob.arrayBuffer().then(base64Of).then(done);
"""

# What a canvas on the page shows, whatever its context ("2d" or "bitmaprenderer"), as a PNG in base64.
CANVAS_PNG = """
const [canvas, done] = arguments;
const copy = new OffscreenCanvas(canvas.width, canvas.height);
copy.getContext('2d').drawImage(canvas, 0, 0);
copy.convertToBlob({type: 'image/png'}).then((blob) => blob.arrayBuffer()).then(base64Of).then(done);
"""

FETCH_URL = """
const [url, done] = arguments;
fetch(url).then(r => r.arrayBuffer()).then(base64Of).then(done);
"""

BASE64_OF = """
async function base64Of(buffer) {
  let binary = ''; const bytes = new Uint8Array(buffer);
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
"""

LONG_TASKS = """
window.unbgLongTasks = [];
window.unbgLongTaskObserver ??= new PerformanceObserver(list => window.unbgLongTasks.push(...list.getEntries().map(e => e.duration)));
window.unbgLongTaskObserver.observe({type: 'longtask'});  // once: a second observer would count each task again
"""

# Installed before any page script runs (CDP): every long task from the first byte on, [start, duration].
START_LONG_TASKS = """
window.unbgStartLongTasks = [];
new PerformanceObserver(list => window.unbgStartLongTasks.push(...list.getEntries().map(e => [e.startTime, e.duration])))
  .observe({type: 'longtask'});
"""

BATCH_ROWS = """
return [...document.querySelectorAll('[data-testid=batch-item]')].map(li => ({
  name: li.dataset.name, status: li.dataset.status, error: li.querySelector('[data-testid=batch-error]').textContent,
  text: li.textContent}))
"""

# Drop files on the drop zone as a person's drag would (a synthetic DragEvent with a DataTransfer).
DROP_FILES = """
const [files] = arguments;
const transfer = new DataTransfer();
for (const [name, b64] of files) {
  transfer.items.add(new File([Uint8Array.from(atob(b64), c => c.charCodeAt(0))], name));
}
const zone = document.querySelector('[data-component=dropzone]');
for (const type of ['dragenter', 'dragover', 'drop']) {
  zone.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: transfer}));
}
"""

PASTE_FILES = """
const [files] = arguments;
const clipboardData = new DataTransfer();
for (const [name, b64] of files) {
  clipboardData.items.add(new File([Uint8Array.from(atob(b64), c => c.charCodeAt(0))], name, {type: 'image/png'}));
}
document.dispatchEvent(new ClipboardEvent('paste', {bubbles: true, cancelable: true, clipboardData}));
"""

DROP_PREVENTED = """
const target = document.querySelector(arguments[0]);
return ['dragover', 'drop'].every(type => {
  const event = new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: new DataTransfer()});
  target.dispatchEvent(event);
  return event.defaultPrevented;
});
"""

# Where the start-up time went, in ms since navigation: resources fetched, then the page's marks.
START_UP = """
const end = (part) => (performance.getEntriesByType('resource').find(e => e.name.includes(part)) || {}).responseEnd;
const mark = (name) => (performance.getEntriesByName(name)[0] || {}).startTime;
const ours = performance.getEntriesByType('resource').filter(e => /[.]py$/.test(e.name) && e.startTime < mark('unbg:ready'));
return {html: performance.getEntriesByType('navigation')[0].responseEnd, wasm: end('pyodide.asm.wasm'),
        stdlib: end('python_stdlib.zip'), files_start: Math.min(...ours.map(e => e.startTime)),
        files_end: Math.max(...ours.map(e => e.responseEnd)), main: mark('unbg:main-start'),
        imported: mark('unbg:python-ready'), ready: mark('unbg:ready')};
"""
