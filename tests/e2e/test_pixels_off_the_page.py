"""A cut-out's full-size pixels never come to the page's thread: onnxruntime's worker makes them
into what is kept or shown (a PNG and its thumbnail for a file, bitmaps for the editor). On the
page each full-size putImageData or createImageBitmap of an ImageData was a 100-300 ms task at 12 MP."""

from __future__ import annotations

from tests.drawings import subject_jpeg

# What onnxruntime's worker sends back for each run (per output: bitmap, png, thumbnail, or its byte count),
# and every putImageData / createImageBitmap of an ImageData the page itself makes (with its size).
WATCH_PIXELS = """
window.unbgRuns = [];
window.unbgPagePixels = [];
const watched = new WeakSet();
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (message, ...rest) {
  if (message?.op === "run" && !watched.has(this)) {  // onnxruntime's worker (started with the page)
    watched.add(this);
    this.addEventListener("message", ({ data: { value } }) => {
      if (!value || typeof value !== "object") return;
      window.unbgRuns.push(Object.fromEntries(Object.entries(value).map(([name, output]) => [name,
        output.data ? `${output.data.length} bytes`
          : ["bitmap", "png", "thumbnail"].filter((kind) => output[kind] !== undefined).join("+")])));
    });
  }
  return post.call(this, message, ...rest);
};
for (const proto of [CanvasRenderingContext2D.prototype, OffscreenCanvasRenderingContext2D.prototype]) {
  const put = proto.putImageData;
  proto.putImageData = function (image, ...rest) {
    window.unbgPagePixels.push(`putImageData ${image.width}x${image.height}`);
    return put.call(this, image, ...rest);
  };
}
const createImageBitmap = window.createImageBitmap;
window.createImageBitmap = function (source, ...rest) {
  if (source instanceof ImageData) window.unbgPagePixels.push(`createImageBitmap ${source.width}x${source.height}`);
  return createImageBitmap.call(this, source, ...rest);
};
"""


def test_the_cut_outs_pixels_become_a_png_or_bitmaps_in_onnxruntimes_worker(app, tmp_path):
    app.script(WATCH_PIXELS)
    photo = subject_jpeg(1200, 900)
    reply = app.post_cut(photo, model="fast", size=256)
    assert reply["type"] == "unbg:result" and reply["png"].startswith(b"\x89PNG"), reply.get("message")
    path = tmp_path / "photo.jpg"
    path.write_bytes(photo)
    app.pick(path)
    assert app.find("result-size").text.startswith("1200 × 900 px")

    runs = app.script("return window.unbgRuns")
    full_size = [run for run in runs if run.get("cutout") != f"{512 * 384 * 4} bytes"]  # not the quick preview's
    assert full_size == [{"cutout": "png+thumbnail"}, {"cutout": "bitmap+thumbnail", "colour": "bitmap"}], full_size
    assert [call for call in app.script("return window.unbgPagePixels") if "1200x900" in call] == []
