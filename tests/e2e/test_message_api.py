"""The programmatic interface: unbg:cut in, unbg:result / unbg:error out."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from tests.drawings import subject_and_background, subject_jpeg
from tests.e2e.inference_worker import CRASH_ON_MARKED_MESSAGE, MARK_NEXT_RUN, RECORD_RUN_WORKERS
from unbg.core.models import BEST_VIEWS
from unbg.native.engine import NativeEngine, decode_image


def test_cut_returns_a_transparent_png_with_timings(app):
    photo = subject_jpeg(640, 480)
    reply = app.post_cut(photo, model="quality", output="cutout")

    assert reply["type"] == "unbg:result", reply
    assert (reply["width"], reply["height"]) == (640, 480)
    assert reply["blobType"] == "image/png"
    image = Image.open(io.BytesIO(reply["png"]))
    assert image.mode == "RGBA" and image.size == (640, 480)
    pixels = np.asarray(image)
    hidden = pixels[..., 3] == 0
    assert hidden.any() and not pixels[hidden].any()  # nothing of the background hides under alpha 0
    # The float16 model computes in float: the browser's alpha is the native one to a step or so.
    diff = np.abs(pixels[..., 3].astype(int) - NativeEngine("quality").alpha(decode_image(photo)))
    assert (diff <= 1).mean() >= 0.999, diff.max()
    assert set(reply["timings"]) == {"decode_ms", "inference_ms", "encode_ms", "total_ms"}
    assert reply["timings"]["total_ms"] >= reply["timings"]["inference_ms"] > 0
    assert {"decode", "inference", "encode"} <= set(reply["progress"])


def test_mask_output_is_a_grayscale_png_white_on_the_subject(app):
    reply = app.post_cut(subject_jpeg(600, 400), output="mask")

    assert reply["type"] == "unbg:result", reply
    mask = Image.open(io.BytesIO(reply["png"]))
    assert mask.mode == "L" and mask.size == (600, 400)
    inside, outside = subject_and_background(600, 400)
    alpha = np.asarray(mask)
    assert alpha[inside].min() > 200 and alpha[outside].max() < 30


def test_garbage_bytes_get_an_error_and_the_api_stays_usable(app):
    reply = app.post_cut(b"\x00\x01garbage" * 50)
    assert reply["type"] == "unbg:error"
    assert reply["code"] == "bad_input"
    assert "not an image" in reply["message"]

    missing = app.post_cut(None)  # a malformed message, not a bad image
    assert missing["type"] == "unbg:error" and missing["code"] == "bad_request"
    assert "no image" in missing["message"]

    assert app.post_cut(subject_jpeg(320, 240), model="fast")["type"] == "unbg:result"


def test_fast_model_gives_the_native_alpha(app):
    # The int8 model runs integer kernels: WASM and x86 must still agree to the last bit or so.
    photo = subject_jpeg(900, 640)
    reply = app.post_cut(photo, model="fast", output="mask")
    assert reply["type"] == "unbg:result", reply
    browser = np.asarray(Image.open(io.BytesIO(reply["png"]))).astype(int)
    native = NativeEngine("fast").alpha(decode_image(photo))
    assert np.abs(browser - native).max() <= 1
    inside, outside = subject_and_background(900, 640)
    assert browser[inside].min() > 200 and browser[outside].max() < 30


def test_best_edges_give_the_native_two_view_alpha(app):
    photo = subject_jpeg(900, 640)
    reply = app.post_cut(photo, model="fast", output="mask", best=True)
    assert reply["type"] == "unbg:result", reply
    browser = np.asarray(Image.open(io.BytesIO(reply["png"]))).astype(int)
    native = NativeEngine("fast", views=BEST_VIEWS).alpha(decode_image(photo)).astype(int)
    one_view = NativeEngine("fast").alpha(decode_image(photo)).astype(int)
    # Where two views and one differ by more than the tolerance, the browser has the two-view alpha:
    # a page that ignored best would be 2 or more off there.
    differs = np.abs(native - one_view) > 2
    assert differs.sum() >= 50, differs.sum()
    assert np.abs(browser - native).max() <= 1


def test_an_array_buffer_is_taken_and_the_png_comes_back_as_a_moved_buffer(app):
    reply = app.post_cut(subject_jpeg(160, 120), as_buffer=True, model="fast", size=256)
    assert reply["type"] == "unbg:result" and reply["sentDetached"]  # the host's buffer was moved, not copied
    assert reply.get("buffer") and reply["blobType"] is None
    assert Image.open(io.BytesIO(reply["png"])).size == (160, 120)


def test_options_the_page_does_not_know_are_bad_requests_there_too(app):
    photo = subject_jpeg(64, 48)
    for options, words in (({"model": "huge"}, "'huge'"), ({"output": "gif"}, "'gif'"), ({"size": 100}, "'size'")):
        reply = app.post_cut(photo, **options)
        assert (reply["type"], reply["code"]) == ("unbg:error", "bad_request") and words in reply["message"], reply


def test_jobs_run_one_at_a_time_in_the_order_they_came(app):
    replies = app.async_script("""
const [b64, done] = arguments;
const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
const events = [];
window.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || !String(data.id).startsWith('order-') || data.type === 'unbg:cut') return;  // our own messages
  events.push([data.id, data.type === 'unbg:progress' ? data.stage : data.type]);
  if (events.filter(([, what]) => what === 'unbg:result' || what === 'unbg:error').length === 3) done(events);
});
for (const n of [1, 2, 3]) {
  window.postMessage({type: 'unbg:cut', id: 'order-' + n, image: new Blob([bytes]), options: {model: 'fast', size: 256}},
                     location.origin);
}
""", __import__("base64").b64encode(subject_jpeg(160, 120)).decode(), timeout=120)
    finished = [job for job, what in replies if what == "unbg:result"]
    assert finished == ["order-1", "order-2", "order-3"]
    # One at a time: a job's first stage comes after the job before it reached its last one.
    stages = lambda job: [index for index, (name, what) in enumerate(replies) if name == job and what != "unbg:result"]
    for earlier, later in (("order-1", "order-2"), ("order-2", "order-3")):
        assert replies[stages(earlier)[-1]][1] == "encode" and stages(later)[0] > stages(earlier)[-1], replies


def test_a_first_cut_on_a_first_visit_reports_the_model_stage(app):
    app.forget_models()
    app.open()
    reply = app.post_cut(subject_jpeg(64, 48), model="fast", size=128)
    assert reply["type"] == "unbg:result" and "model" in reply["progress"]
    assert "model" not in app.post_cut(subject_jpeg(64, 48), model="fast", size=128)["progress"]



def test_a_window_that_is_neither_the_page_nor_its_parent_gets_no_answer(app):
    # other-window.html is our origin in a frame of the page: a child, not the parent. It sends an
    # unbg:cut without an image, which would be answered at once (bad_request) if it were answered.
    got = app.async_script("""
const done = arguments[0];
const frame = document.createElement('iframe');  // isolated from the page: it speaks by messages only
frame.src = '/tests/e2e/other-window.html';
let own = null;
window.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'probe:sent') window.postMessage({type: 'unbg:cut', id: 'own'}, location.origin);
  if (data.id === 'own' && data.type === 'unbg:error') {
    own = data.code;  // the page has answered what came before this: ask the frame what it got
    frame.contentWindow.postMessage({type: 'probe:report'}, location.origin);
  }
  if (data.type === 'probe:heard') { frame.remove(); done({heard: data.heard, own}); }
});
document.body.append(frame);
""")
    assert got == {"heard": [], "own": "bad_request"}


# The next run message to onnxruntime's worker asks for a 16384² working size (ISNet's activations
# there need far more than WebAssembly's 4 GB): a real out-of-memory in that worker.
EXHAUST_NEXT_RUN = """
const post = Worker.prototype.postMessage;
window.unbgExhausted = false;
Worker.prototype.postMessage = function (message, ...rest) {
  if (message?.op === "run" && !window.unbgExhausted) {
    window.unbgExhausted = true;
    message.feeds.size.data = new BigInt64Array([16384n, 16384n]);
  }
  return post.call(this, message, ...rest);
};
"""


def test_a_job_that_runs_out_of_memory_fails_and_a_fresh_worker_cuts_the_next(app):
    photo = subject_jpeg(320, 240)
    app.script(RECORD_RUN_WORKERS)
    assert app.post_cut(photo, model="fast", size=256)["type"] == "unbg:result"
    app.script(EXHAUST_NEXT_RUN)
    failed = app.post_cut(photo, model="fast", size=256)
    assert app.script("return window.unbgExhausted") is True
    assert (failed["type"], failed["code"]) == ("unbg:error", "inference"), failed
    assert "memory" in failed["message"], failed["message"]
    # The worker and its memory are gone; a fresh one, with the model loaded again, cuts the next photo.
    reply = app.post_cut(photo, model="fast", size=256)
    assert reply["type"] == "unbg:result", reply
    _, failed_in, next_in = app.script("return window.unbgRunWorkers")[:3]
    assert next_in > failed_in


def test_once_no_job_comes_for_a_while_a_fresh_onnxruntime_worker_gives_back_what_the_runs_took(app):
    # WebAssembly memory never shrinks: its worker keeps a 12 MP cut's high-water mark (~230 MB
    # over the session's) until it ends. Jobs in a row, or sent as soon as the last is back, share
    # a worker; once the queue has been idle for a while, a fresh one is made.
    photo = subject_jpeg(320, 240)
    app.script(RECORD_RUN_WORKERS)
    results = app.async_script("""
const [b64, done] = arguments;
const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
const types = [];
window.addEventListener('message', ({ data }) => {
  if (String(data?.id).startsWith('pair-') && ['unbg:result', 'unbg:error'].includes(data.type)) {
    types.push(data.type);
    if (types.length === 2) done(types);
  }
});
for (const n of [1, 2]) window.postMessage({type: 'unbg:cut', id: 'pair-' + n, image: new Blob([bytes]),
                                            options: {model: 'fast', size: 256}}, location.origin);
""", __import__("base64").b64encode(photo).decode(), timeout=120)
    assert results == ["unbg:result"] * 2
    assert app.post_cut(photo, model="fast", size=256)["type"] == "unbg:result"
    assert app.script("return window.unbgRunWorkers") == [0, 0, 0]
    app.wait_for(lambda driver: app.script("return window.unbgWorkersMessaged") == 2, 30)  # the fresh one starts
    assert app.post_cut(photo, model="fast", size=256)["type"] == "unbg:result"
    assert app.script("return window.unbgRunWorkers") == [0, 0, 0, 1]


def test_a_job_whose_worker_crashes_fails_and_a_fresh_worker_cuts_the_next(app, server):
    photo = subject_jpeg(320, 240)
    server.preludes["/assets/inference-worker.mjs"] = CRASH_ON_MARKED_MESSAGE
    try:
        app.open()  # its onnxruntime worker starts with the prelude
        assert app.post_cut(photo, model="fast", size=256)["type"] == "unbg:result"
        app.script(MARK_NEXT_RUN, "crash")
        failed = app.post_cut(photo, model="fast", size=256)
        assert app.script("return window.unbgMarked") is True
        assert (failed["type"], failed["code"]) == ("unbg:error", "inference"), failed
        assert "a crash for a test" in failed["message"], failed["message"]
        assert app.post_cut(photo, model="fast", size=256)["type"] == "unbg:result"
        # A crash while no job runs: the next job finds a fresh worker, and works.
        app.script("window.unbgInferenceWorker.postMessage({crash: true})")
        assert app.post_cut(photo, model="fast", size=256)["type"] == "unbg:result"
    finally:
        server.preludes.clear()


# What each decode worker sends back as a photo's final reply: whether it has the photo's bitmap and a small copy.
WATCH_DECODE_REPLIES = """
const Original = window.Worker;
window.unbgDecodeReplies = [];
window.Worker = function (url, options) {
  const worker = new Original(url, options);
  if (String(url).endsWith("decode-worker.mjs")) {
    worker.addEventListener("message", ({ data }) => {
      if (!data.early) window.unbgDecodeReplies.push({ bitmap: Boolean(data.bitmap), preview: Boolean(data.preview) });
    });
  }
  return worker;
};
window.Worker.prototype = Original.prototype;
"""


def test_a_photo_cut_to_a_file_is_decoded_without_the_editors_bitmap_and_small_copy(app, tmp_path):
    import pillow_heif

    app.script(WATCH_DECODE_REPLIES)
    heic = io.BytesIO()
    pillow_heif.from_pillow(Image.open(io.BytesIO(subject_jpeg(320, 240)))).save(heic, format="HEIF", quality=90)
    for photo in (subject_jpeg(320, 240), heic.getvalue()):
        assert app.post_cut(photo, model="fast", size=256)["type"] == "unbg:result"
    # A 12 MP HEIC's bitmap alone is ~100 ms and 48 MB: only the editor, which shows the photo, has one made.
    assert app.script("return window.unbgDecodeReplies") == [{"bitmap": False, "preview": False}] * 2
    path = tmp_path / "photo.jpg"
    path.write_bytes(subject_jpeg(320, 240))
    app.pick(path)
    assert app.script("return window.unbgDecodeReplies")[2:] == [{"bitmap": True, "preview": True}]
