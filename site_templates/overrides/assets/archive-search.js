// The archive's search page: Pagefind's UI over every shard of the index (see archive/search.py).
// The first shard is the primary bundle; the others are merged into its searches.
(async function () {
  const box = document.getElementById("actas-search");
  const root = new URL(box.dataset.root, window.location.href);
  const response = await fetch(new URL("pagefind/shards.json", root));
  const shards = response.ok ? await response.json() : [];
  if (!shards.length) {
    box.textContent = box.dataset.empty;
    return;
  }
  const bundle = (name) => new URL("pagefind/" + name + "/", root).pathname;
  const style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = bundle(shards[0]) + "pagefind-ui.css";
  document.head.appendChild(style);
  await new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = bundle(shards[0]) + "pagefind-ui.js";
    script.onload = resolve;
    script.onerror = reject;
    document.head.appendChild(script);
  });
  const query = new URLSearchParams(window.location.search).get("q");
  const ui = new PagefindUI({
    element: "#actas-search",
    bundlePath: bundle(shards[0]),
    baseUrl: root.pathname,
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    translations: { placeholder: box.dataset.placeholder },
    mergeIndex: shards.slice(1).map((name) => ({ bundlePath: bundle(name) })),
  });
  if (query) ui.triggerSearch(query);
})();
