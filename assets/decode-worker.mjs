// Decoding off the page's thread, for every format: the file's pixels, the photo as an ImageBitmap
// and a small copy for the preview, all made here and moved to the page. On the page, a 12 MP
// JPEG's pixels (drawImage + getImageData) were a 148 ms task, a HEIC's bitmap from libheif's
// pixels 110-120 ms, and libheif itself 1.1-2.5 s (measured). One worker per photo: the page ends
// it once the reply is there, and its libheif and its helpers' (WebAssembly memory never shrinks)
// go with it.
// (libheif is imported here, not statically: a module worker's static imports are fetched as the page's.)
const LIBHEIF = "./vendor/libheif/libheif-bundle.mjs";
// The file's own pixels, as Pillow reads them: no colour conversion, no premultiplying.
const AS_IS = { premultiplyAlpha: "none", colorSpaceConversion: "none" };

class Unreadable extends Error {}

// HEIC through libheif's C API, tile by tile (a phone's HEIC is a grid of 512² tiles; any other
// is one tile): the rows of tiles are split between this worker and helpers of its own, one per
// core (up to 4). A 12 MP iPhone photo: 1005 ms for all its tiles on one core, 516 ms for half
// (measured in Node; the pixels equal libheif's whole-image decode to the bit).
const RGB = 1, INTERLEAVED_RGBA = 11, INTERLEAVED = 10; // heif_colorspace, heif_chroma, heif_channel

async function openHeic(buffer) {
  const m = (await import(LIBHEIF)).default();
  const error = m._malloc(16), out = m._malloc(64), stride = m._malloc(8);
  const call = (failure, fn, ...args) => { // a heif_error comes back through its first argument
    fn(error, ...args);
    if (m.HEAP32[error >> 2] !== 0) throw new Unreadable(failure);
  };
  const bytes = new Uint8Array(buffer), data = m._malloc(bytes.length);
  m.HEAPU8.set(bytes, data);
  const context = m._heif_context_alloc();
  call("damaged", m._heif_context_read_from_memory_without_copy, context, data, bytes.length, 0);
  call("empty", m._heif_context_get_primary_image_handle, context, out);
  const handle = m.HEAP32[out >> 2];
  call("damaged", m._heif_image_handle_get_image_tiling, handle, 1, out); // 1: rotation and mirroring applied
  const [, columns, rows, tileWidth, tileHeight, width, height] = new Uint32Array(m.HEAPU8.buffer, out, 7);
  // The pixels of tile rows [from, to) into `into`, which holds the image's rows from the first of them.
  const decodeRows = (from, to, into) => {
    for (let ty = from; ty < to; ty++) {
      for (let tx = 0; tx < columns; tx++) {
        call("damaged", m._heif_image_handle_decode_image_tile, handle, out, RGB, INTERLEAVED_RGBA, 0, tx, ty);
        const image = m.HEAP32[out >> 2];
        const plane = m._heif_image_get_plane_readonly2(image, INTERLEAVED, stride), step = m.HEAPU32[stride >> 2];
        const x = tx * tileWidth, y = ty * tileHeight;
        const w = Math.min(tileWidth, width - x) * 4, h = Math.min(tileHeight, height - y);
        for (let row = 0; row < h; row++) {
          into.set(m.HEAPU8.subarray(plane + row * step, plane + row * step + w), ((y + row - from * tileHeight) * width + x) * 4);
        }
        m._heif_image_release(image);
      }
    }
  };
  return { rows, tileHeight, width, height, decodeRows };
}

// Helpers start at once, so that their libheif loads while this worker's does (~225 ms each);
// each is told which tile rows are its part once the tiling is known (an empty part: it ends).
const DECODERS = Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 4)); // this worker and its helpers

function startHelper(buffer) {
  const helper = new Worker(new URL(import.meta.url), { type: "module" });
  const band = new Promise((resolve, reject) => {
    helper.onmessage = ({ data }) => (data.error ? reject(new Unreadable(data.error)) : resolve(data.band));
    helper.onerror = () => reject(new Unreadable("damaged"));
  }).finally(() => helper.terminate());
  band.catch(() => {}); // awaited only when it has a part
  helper.postMessage({ tiles: { buffer } }, [buffer]);
  return { band, decode: (rows) => helper.postMessage({ rows }) };
}

async function heicPixels(buffer) {
  const helpers = Array.from({ length: DECODERS - 1 }, () => startHelper(buffer.slice(0)));
  const heic = await openHeic(buffer);
  const share = Math.ceil(heic.rows / DECODERS); // tile rows each; this worker takes the first
  const parts = helpers.map((helper, i) => {
    const from = Math.min((i + 1) * share, heic.rows), to = Math.min(from + share, heic.rows);
    helper.decode([from, to]);
    return { from, band: helper.band };
  }).filter(({ from }) => from < heic.rows);
  const target = new ImageData(heic.width, heic.height);
  heic.decodeRows(0, Math.min(share, heic.rows), target.data);
  for (const { from, band } of parts) target.data.set(new Uint8ClampedArray(await band), from * heic.tileHeight * heic.width * 4);
  return target;
}

// A helper's part: {tiles: {buffer}}, then {rows: [from, to]} → {band: the pixels of those tile
// rows} or {error}.
async function helpWith(buffer) {
  const opening = openHeic(buffer);
  opening.catch(() => {});
  const [from, to] = await new Promise((resolve) => { self.onmessage = ({ data }) => resolve(data.rows); });
  try {
    const heic = await opening;
    const band = new Uint8ClampedArray(Math.max(0, Math.min(to * heic.tileHeight, heic.height) - from * heic.tileHeight) * heic.width * 4);
    heic.decodeRows(from, to, band);
    postMessage({ band: band.buffer }, [band.buffer]);
  } catch (error) {
    postMessage({ error: error instanceof Unreadable ? error.message : "damaged" });
  }
}

// The largest size of this shape within maxMegapixels: core/image_header.py's working_size, the same sums.
function workingSize(width, height, maxMegapixels) {
  if (width * height <= maxMegapixels * 1e6) return [width, height];
  const scale = Math.sqrt((maxMegapixels * 1e6) / (width * height));
  return [Math.max(1, Math.floor(width * scale)), Math.max(1, Math.floor(height * scale))];
}

function pixelsOf(bitmap) {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, bitmap.width, bitmap.height).data;
}

async function smallCopy(bitmap, longSide) {
  const scale = Math.min(1, longSide / Math.max(bitmap.width, bitmap.height));
  const resizeWidth = Math.max(1, Math.round(bitmap.width * scale)), resizeHeight = Math.max(1, Math.round(bitmap.height * scale));
  const small = await createImageBitmap(bitmap, { resizeWidth, resizeHeight, resizeQuality: "medium", premultiplyAlpha: "none" });
  const pixels = pixelsOf(small);
  small.close();
  return { width: resizeWidth, height: resizeHeight, pixels: pixels.buffer };
}

// {file, heic, size: [w, h] to decode a native file at (or null: its own), maxMegapixels (HEIC:
// scaled after decoding), previewLongSide} → {width, height, sourceWidth, sourceHeight, pixels,
// bitmap, preview} or {error: "empty" | "damaged" | "unreadable"}.
self.onmessage = async ({ data: { file, heic, size, maxMegapixels, previewLongSide, tiles } }) => {
  if (tiles) return helpWith(tiles.buffer);
  try {
    let bitmap, pixels, source;
    if (heic) {
      const decoded = await heicPixels(await file.arrayBuffer());
      source = [decoded.width, decoded.height];
      const [width, height] = workingSize(decoded.width, decoded.height, maxMegapixels);
      const resize = width === decoded.width ? {} : { resizeWidth: width, resizeHeight: height, resizeQuality: "high" };
      bitmap = await createImageBitmap(decoded, { ...AS_IS, ...resize });
      pixels = width === decoded.width ? decoded.data : pixelsOf(bitmap);
    } else {
      const resize = size ? { resizeWidth: size[0], resizeHeight: size[1], resizeQuality: "high" } : {};
      bitmap = await createImageBitmap(file, { imageOrientation: "from-image", ...AS_IS, ...resize }).catch(() => {
        throw new Unreadable("unreadable");
      });
      pixels = pixelsOf(bitmap);
    }
    const preview = await smallCopy(bitmap, previewLongSide);
    postMessage({ width: bitmap.width, height: bitmap.height, sourceWidth: source?.[0], sourceHeight: source?.[1],
                  pixels: pixels.buffer, bitmap, preview }, [pixels.buffer, bitmap, preview.pixels]);
  } catch (error) {
    postMessage({ error: error instanceof Unreadable ? error.message : heic ? "damaged" : "unreadable", detail: String(error) });
  }
};
