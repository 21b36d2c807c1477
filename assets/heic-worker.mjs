// HEIC decoding off the page's thread: libheif-js here took 1.1-2.5 s on the page's thread for a
// 12 MP iPhone photo, with the page frozen all that time. One worker per photo: the page ends it
// once the pixels are back, and libheif's WebAssembly memory (~200 MB after a 12 MP photo, never
// shrinking) goes with it.
// (Imported here, not statically: a module worker's static imports are fetched as the page's.)
const LIBHEIF = "./vendor/libheif/libheif-bundle.mjs";

self.onmessage = async ({ data: { buffer } }) => {
  try {
    const libheif = (await import(LIBHEIF)).default;
    const images = new (libheif().HeifDecoder)().decode(new Uint8Array(buffer));
    if (!images || images.length === 0) return postMessage({ error: "empty" });
    const image = images[0]; // the primary image
    const width = image.get_width(), height = image.get_height();
    const target = new ImageData(width, height);
    const ok = await new Promise((resolve) => image.display(target, resolve));
    for (const each of images) each.free();
    if (!ok) return postMessage({ error: "damaged" });
    postMessage({ width, height, pixels: target.data.buffer }, [target.data.buffer]);
  } catch (error) {
    postMessage({ error: "damaged", detail: String(error) });
  }
};
