// Decoding off the page's thread, for every format: the file's pixels, the photo as an ImageBitmap
// and a small copy for the preview, all made here and moved to the page. On the page, a 12 MP
// JPEG's pixels (drawImage + getImageData) were a 148 ms task, a HEIC's bitmap from libheif's
// pixels 110-120 ms, and libheif itself 1.1-2.5 s (measured). One worker per photo: the page ends
// it once the reply is there, and libheif's WebAssembly memory (~200 MB after a 12 MP photo, never
// shrinking) goes with it.
// (libheif is imported here, not statically: a module worker's static imports are fetched as the page's.)
const LIBHEIF = "./vendor/libheif/libheif-bundle.mjs";
// The file's own pixels, as Pillow reads them: no colour conversion, no premultiplying.
const AS_IS = { premultiplyAlpha: "none", colorSpaceConversion: "none" };

class Unreadable extends Error {}

async function heicPixels(buffer) {
  const libheif = (await import(LIBHEIF)).default;
  const images = new (libheif().HeifDecoder)().decode(new Uint8Array(buffer));
  if (!images || images.length === 0) throw new Unreadable("empty");
  const image = images[0]; // the primary image
  const target = new ImageData(image.get_width(), image.get_height());
  const ok = await new Promise((resolve) => image.display(target, resolve));
  for (const each of images) each.free();
  if (!ok) throw new Unreadable("damaged");
  return target;
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
self.onmessage = async ({ data: { file, heic, size, maxMegapixels, previewLongSide } }) => {
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
