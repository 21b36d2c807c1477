// A window of unbg's origin that is neither the page nor its parent (a frame inside it): what it
// posts to the page must get no answer. It tells the page what it heard when asked.
const heard = [];
window.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "probe:report") {
    parent.postMessage({ type: "probe:heard", heard }, location.origin);
  } else {
    heard.push(data.id);
  }
});
parent.postMessage({ type: "unbg:cut", id: "from-another-window" }, location.origin);
parent.postMessage({ type: "probe:sent" }, location.origin);
