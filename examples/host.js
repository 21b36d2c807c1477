// The host's own script (a file, so the page runs under a strict content-security-policy too).
// Where unbg is served: ?widget=<url> (the default: this server's own copy).
const widgetUrl = new URLSearchParams(location.search).get("widget") || new URL("../index.html?embed=1", location.href).href;
const { mount } = await import(new URL("assets/embed.mjs", widgetUrl).href);
const widget = (window.unbgWidget = mount(document.querySelector("#cutter"), { src: widgetUrl }));
const status = document.querySelector("#status");
widget.ready.then(({ version, threads }) => {
  status.textContent = `unbg ${version} is ready (${threads} thread${threads > 1 ? "s" : ""}).`;
  document.documentElement.dataset.widget = "ready";
});
document.querySelector("#photo").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  try {
    const { blob, width, height } = await widget.cut(file, { output: "cutout" }, {
      onProgress: ({ stage }) => (status.textContent = `unbg: ${stage} …`),
    });
    const image = document.querySelector("#result");
    image.src = URL.createObjectURL(blob);
    image.hidden = false;
    status.textContent = `Cut out: ${width} × ${height} px.`;
  } catch (error) {
    status.textContent = `unbg: ${error.message} (${error.code})`;
  }
});
