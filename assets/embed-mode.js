// ?embed=1: the compact widget (no header or footer), set before the first paint.
if (new URLSearchParams(location.search).has("embed")) document.documentElement.dataset.embed = "";
