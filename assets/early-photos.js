// Photos given before Python is ready are kept, in order, and handed to the app when it starts
// (main.py calls unbgEarly.take(later); photos given to unbgEarly.give afterwards go to later). Until then the drop zone says so; a drop anywhere on the
// page never makes the browser open the photo instead of the app.
"use strict";
(() => {
  const zone = document.querySelector("[data-component=dropzone]");
  const input = zone.querySelector("input[type=file]");
  const hint = zone.querySelector(".dropzone-hint");
  const groups = [];  // one list of files per pick, drop or paste
  let taken = false;
  let later = null;  // the app's own handler, once it has taken the early photos

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
    give(files) {  // photos from elsewhere: the share sheet, the OS's "open with" (assets/pwa.js)
      if (!keep(files) && later) later(files);
    },
    take(then) {
      taken = true;
      later = then;
      if (hint.dataset.text) hint.textContent = hint.dataset.text;
      return groups.splice(0);
    },
  };
})();
