// Photos given before Python is ready are kept, in order, and handed to the app when it starts
// (main.py calls unbgEarly.take()). Until then the drop zone says so; a drop anywhere on the
// page never makes the browser open the photo instead of the app.
"use strict";
(() => {
  const zone = document.querySelector("[data-component=dropzone]");
  const input = zone.querySelector("input[type=file]");
  const hint = zone.querySelector(".dropzone-hint");
  const groups = [];  // one list of files per pick, drop or paste
  let taken = false;

  function keep(files) {
    if (taken || files.length === 0) return false;
    groups.push(files);
    zone.dataset.early = String(groups.length);
    hint.dataset.text = hint.dataset.text || hint.textContent;
    hint.textContent = "Starting… your photo is next";
    return true;
  }

  addEventListener("dragover", (event) => event.preventDefault());
  addEventListener("drop", (event) => {
    event.preventDefault();
    keep([...event.dataTransfer.files]);
  });
  input.addEventListener("change", () => {
    if (keep([...input.files])) input.value = "";  // picking the same file again must fire change again
  });
  addEventListener("paste", (event) => {
    if (event.clipboardData && keep([...event.clipboardData.files])) event.preventDefault();
  });

  window.unbgEarly = {
    take() {
      taken = true;
      if (hint.dataset.text) hint.textContent = hint.dataset.text;
      return groups.splice(0);
    },
  };
})();
