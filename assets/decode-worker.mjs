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

// HEIC through libheif's C API, a row of tiles at a time (a phone's HEIC is a grid of 512² tiles;
// any other is one tile): the photo's rows are split between this worker and helpers of its own,
// one per core (up to 4). A 12 MP iPhone photo: 1005 ms for all its tiles on one core, 516 ms for
// half (measured in Node; the pixels equal libheif's whole-image decode to the bit). A photo above
// the working size is scaled as its rows come (areaScaler): a 200 MP one never exists in full.
const RGB = 1, INTERLEAVED_RGBA = 11, INTERLEAVED = 10; // heif_colorspace, heif_chroma, heif_channel

async function openHeic(file) {
  const [libheif, buffer] = await Promise.all([import(LIBHEIF), file.arrayBuffer()]);
  const m = libheif.default();
  const error = m._malloc(16), out = m._malloc(64), stride = m._malloc(8);
  const call = (failure, fn, ...args) => { // a heif_error comes back through its first argument
    fn(error, ...args);
    if (m.HEAP32[error >> 2] !== 0) throw new Unreadable(failure);
  };
  const data = m._malloc(buffer.byteLength);
  m.HEAPU8.set(new Uint8Array(buffer), data);
  const context = m._heif_context_alloc();
  call("damaged", m._heif_context_read_from_memory_without_copy, context, data, buffer.byteLength, 0);
  call("empty", m._heif_context_get_primary_image_handle, context, out);
  const handle = m.HEAP32[out >> 2];
  call("damaged", m._heif_image_handle_get_image_tiling, handle, 1, out); // 1: rotation and mirroring applied
  const [, columns, rows, tileWidth, tileHeight, width, height] = new Uint32Array(m.HEAPU8.buffer, out, 7);
  // The pixels of tile row `ty` into `into` (the image's width), its first row at `at`.
  const decodeTileRow = (ty, into, at) => {
    for (let tx = 0; tx < columns; tx++) {
      call("damaged", m._heif_image_handle_decode_image_tile, handle, out, RGB, INTERLEAVED_RGBA, 0, tx, ty);
      const image = m.HEAP32[out >> 2];
      const plane = m._heif_image_get_plane_readonly2(image, INTERLEAVED, stride), step = m.HEAPU32[stride >> 2];
      const x = tx * tileWidth, w = Math.min(tileWidth, width - x) * 4, h = Math.min(tileHeight, height - ty * tileHeight);
      for (let row = 0; row < h; row++) {
        into.set(m.HEAPU8.subarray(plane + row * step, plane + row * step + w), at + (row * width + x) * 4);
      }
      m._heif_image_release(image);
    }
  };
  // The file's first thumbnail (a phone's is ~320 × 240), upright: {width, height, pixels} or null.
  const thumbnail = () => {
    if (m._heif_image_handle_get_number_of_thumbnails(handle) < 1) return null;
    m._heif_image_handle_get_list_of_thumbnail_IDs(handle, out, 1);
    call("damaged", m._heif_image_handle_get_thumbnail, handle, m.HEAPU32[out >> 2], out);
    const small = m.HEAP32[out >> 2];
    call("damaged", m._heif_decode_image, small, out, RGB, INTERLEAVED_RGBA, 0); // 0: default options, transformations applied
    const image = m.HEAP32[out >> 2];
    const w = m._heif_image_get_width(image, INTERLEAVED), h = m._heif_image_get_height(image, INTERLEAVED);
    const plane = m._heif_image_get_plane_readonly2(image, INTERLEAVED, stride), step = m.HEAPU32[stride >> 2];
    const pixels = new Uint8ClampedArray(w * h * 4);
    for (let row = 0; row < h; row++) pixels.set(m.HEAPU8.subarray(plane + row * step, plane + row * step + w * 4), row * w * 4);
    m._heif_image_release(image);
    m._heif_image_handle_release(small);
    return { width: w, height: h, pixels: pixels.buffer };
  };
  return { rows, tileWidth, tileHeight, width, height, decodeTileRow, thumbnail };
}

// Rows [from, to) of the photo at `size` (its own or smaller) into `into`.
function decodeRows(heic, [from, to], [outWidth, outHeight], into) {
  const { width, height, tileHeight } = heic;
  if (from >= to) return;
  if (outWidth === width && outHeight === height) {
    for (let ty = from / tileHeight; ty < Math.ceil(to / tileHeight); ty++) heic.decodeTileRow(ty, into, (ty * tileHeight - from) * width * 4);
    return;
  }
  const scaler = areaScaler([width, height], [outWidth, outHeight], [from, to], into);
  const band = new Uint8ClampedArray(tileHeight * width * 4);
  for (let ty = Math.floor(scaler.firstSourceRow / tileHeight); ty * tileHeight < scaler.endSourceRow; ty++) {
    heic.decodeTileRow(ty, band, 0);
    const first = Math.max(ty * tileHeight, scaler.firstSourceRow), end = Math.min((ty + 1) * tileHeight, scaler.endSourceRow, height);
    for (let y = first; y < end; y++) scaler.add(y, band, (y - ty * tileHeight) * width * 4);
  }
}

// Output rows [from, to) of a photo scaled from `source` to `size` by area averaging, from its
// source rows given in order: each output pixel is the mean of the area it covers, fractional
// edges included, in integer units (no drift, no seam between the workers' parts).
function areaScaler([width, height], [outWidth, outHeight], [from, to], into) {
  // Across: source column i covers [i·outWidth, (i+1)·outWidth), output column j [j·width, (j+1)·width).
  const column = new Int32Array(width), share = new Float64Array(width); // i's output column, i's weight there (the rest: the next)
  for (let i = 0; i < width; i++) {
    column[i] = Math.floor((i * outWidth) / width) * 4;
    share[i] = Math.min(outWidth, (column[i] / 4 + 1) * width - i * outWidth);
  }
  const line = new Float64Array((outWidth + 1) * 4); // one source row across; +1: the last column's weightless spill
  let sums = new Float64Array(outWidth * 4), next = new Float64Array(outWidth * 4), row = from;
  const norm = 1 / (width * height);
  return {
    firstSourceRow: Math.floor((from * height) / outHeight),
    endSourceRow: Math.ceil((to * height) / outHeight),
    add(y, pixels, at) {
      if (row >= to) return;
      line.fill(0);
      for (let i = 0, p = at; i < width; i++, p += 4) {
        const j = column[i], a = share[i], b = outWidth - a;
        line[j] += a * pixels[p]; line[j + 1] += a * pixels[p + 1]; line[j + 2] += a * pixels[p + 2]; line[j + 3] += a * pixels[p + 3];
        line[j + 4] += b * pixels[p]; line[j + 5] += b * pixels[p + 1]; line[j + 6] += b * pixels[p + 2]; line[j + 7] += b * pixels[p + 3];
      }
      // Down: source row y covers [y·outHeight, (y+1)·outHeight), output row r [r·height, (r+1)·height).
      const r = Math.floor((y * outHeight) / height), a = Math.min(outHeight, (r + 1) * height - y * outHeight), b = outHeight - a;
      const toRow = r === row ? a : r === row - 1 ? b : 0, toNext = r === row ? b : 0;
      for (let k = 0; k < sums.length; k++) { sums[k] += toRow * line[k]; next[k] += toNext * line[k]; }
      if ((y + 1) * outHeight >= (row + 1) * height) { // output row `row` is whole
        const start = (row - from) * outWidth * 4;
        for (let k = 0; k < sums.length; k++) into[start + k] = sums[k] * norm;
        [sums, next] = [next, sums.fill(0)];
        row += 1;
      }
    },
  };
}

// Helpers start at once, so that their libheif loads while this worker's does (~225 ms each);
// each is told which rows are its part once the tiling is known (an empty part: it ends).
const DECODERS = Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 4)); // this worker and its helpers

function startHelper(file) {
  const helper = new Worker(new URL(import.meta.url), { type: "module" });
  const band = new Promise((resolve, reject) => {
    helper.onmessage = ({ data }) => (data.error ? reject(new Unreadable(data.error)) : resolve(data.band));
    helper.onerror = () => reject(new Unreadable("damaged"));
  }).finally(() => helper.terminate());
  band.catch(() => {}); // awaited only when it has a part
  helper.postMessage({ tiles: { file } }); // a Blob: the helper reads its own copy
  return { band, decode: (rows, size) => helper.postMessage({ rows, size }) };
}

// The photo's pixels at most maxMegapixels, an ImageData, and its own size; its thumbnail, if it
// has one, goes to the page first (the quick preview need not wait for the tiles).
async function heicPixels(file, maxMegapixels, largestTileMegapixels) {
  const helpers = Array.from({ length: DECODERS - 1 }, () => startHelper(file));
  const heic = await openHeic(file);
  const thumbnail = heic.thumbnail();
  if (thumbnail) postMessage({ early: thumbnail }, [thumbnail.pixels]);
  if (heic.tileWidth * heic.tileHeight > largestTileMegapixels * 1e6) throw new Unreadable("too large");
  const size = workingSize(heic.width, heic.height, maxMegapixels);
  // Each decoder's first output row starts its own tile row: only a scaled part's last tile row is decoded twice.
  const share = Math.ceil(heic.rows / DECODERS) * heic.tileHeight;
  const bounds = Array.from({ length: DECODERS + 1 }, (_, k) => Math.min(size[1], Math.ceil((k * share * size[1]) / heic.height)));
  const parts = helpers.map((helper, i) => {
    const rows = [bounds[i + 1], bounds[i + 2]];
    helper.decode(rows, size);
    return { from: rows[0], band: helper.band };
  }).filter((part, i) => bounds[i + 1] < bounds[i + 2]);
  const target = new ImageData(...size);
  decodeRows(heic, [0, bounds[1]], size, target.data);
  for (const { from, band } of parts) target.data.set(new Uint8ClampedArray(await band), from * size[0] * 4);
  return { target, source: [heic.width, heic.height] };
}

// A helper's part: {tiles: {file}}, then {rows: [from, to], size} → {band: those rows' pixels} or {error}.
async function helpWith(file) {
  const opening = openHeic(file);
  opening.catch(() => {});
  const { rows, size } = await new Promise((resolve) => { self.onmessage = ({ data }) => resolve(data); });
  try {
    const heic = await opening;
    const band = new Uint8ClampedArray(Math.max(0, rows[1] - rows[0]) * size[0] * 4);
    decodeRows(heic, rows, size, band);
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

// The bitmap's pixels; ``keep``: false closes it as soon as it is drawn. Each of the bitmap, the
// canvas and the pixels is 48 MB at 12 MP: they go as soon as they are not needed, not whenever the GC runs.
function pixelsOf(bitmap, keep = true) {
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(bitmap, 0, 0);
  if (!keep) bitmap.close();
  const pixels = context.getImageData(0, 0, width, height).data;
  canvas.width = canvas.height = 0;
  return pixels;
}

async function smallCopy(bitmap, longSide) {
  const scale = Math.min(1, longSide / Math.max(bitmap.width, bitmap.height));
  const resizeWidth = Math.max(1, Math.round(bitmap.width * scale)), resizeHeight = Math.max(1, Math.round(bitmap.height * scale));
  const small = await createImageBitmap(bitmap, { resizeWidth, resizeHeight, resizeQuality: "medium", premultiplyAlpha: "none" });
  const pixels = pixelsOf(small, false);
  return { width: resizeWidth, height: resizeHeight, pixels: pixels.buffer };
}

// {file, heic, size: [w, h] to decode a native file at (or null: its own), maxMegapixels (HEIC:
// scaled as it is decoded), largestTileMegapixels (HEIC: one image above it is refused), bitmap
// (the photo as an ImageBitmap too: the editor shows it), previewLongSide (0: no small copy)} →
// {width, height, sourceWidth, sourceHeight, pixels, bitmap, preview} or {error: "empty" |
// "damaged" | "unreadable" | "too large"}; before it, for a HEIC with a thumbnail, {early:
// {width, height, pixels}}. A batch photo needs neither bitmap nor small copy: a 12 MP HEIC's
// bitmap alone is ~100 ms and 48 MB.
self.onmessage = async ({ data: { file, heic, size, maxMegapixels, largestTileMegapixels, bitmap: wanted, previewLongSide, tiles } }) => {
  if (tiles) return helpWith(tiles.file);
  try {
    let bitmap, pixels, source, width, height;
    if (heic) {
      const decoded = await heicPixels(file, maxMegapixels, largestTileMegapixels);
      ({ width, height, data: pixels } = decoded.target);
      source = decoded.source;
      if (wanted || previewLongSide) bitmap = await createImageBitmap(decoded.target, AS_IS);
    } else {
      const resize = size ? { resizeWidth: size[0], resizeHeight: size[1], resizeQuality: "high" } : {};
      bitmap = await createImageBitmap(file, { imageOrientation: "from-image", ...AS_IS, ...resize }).catch(() => {
        throw new Unreadable("unreadable");
      });
      ({ width, height } = bitmap);
      pixels = pixelsOf(bitmap, wanted || previewLongSide);
    }
    const preview = previewLongSide ? await smallCopy(bitmap, previewLongSide) : undefined;
    if (!wanted) {
      bitmap?.close();
      bitmap = undefined;
    }
    postMessage({ width, height, sourceWidth: source?.[0], sourceHeight: source?.[1], pixels: pixels.buffer, bitmap, preview },
                [pixels.buffer, ...(bitmap ? [bitmap] : []), ...(preview ? [preview.pixels] : [])]);
  } catch (error) {
    postMessage({ error: error instanceof Unreadable ? error.message : heic ? "damaged" : "unreadable", detail: String(error) });
  }
};
