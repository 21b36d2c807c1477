// Before the first paint: ?embed=1 gives the compact widget (no header or footer), and
// ?accent=RRGGBB a host's own accent colour. (model, format, background, best: main.py.)
"use strict";
(() => {
  const query = new URLSearchParams(location.search);
  const html = document.documentElement;
  if (query.has("embed")) html.dataset.embed = "";
  const accent = query.get("accent") || "";
  if (/^[0-9a-fA-F]{6}$/.test(accent)) html.style.setProperty("--accent", `#${accent}`);
})();
