// The archive's search page: Pagefind's search API over every shard of the index (see
// archive/search.py), its results drawn here in the page's own markup and Material's styles.
// Pagefind's ready-made UI was 134 KB of the 400 KB a first search fetched (uncompressed).
// User text reaches the page as text only: titles through textContent, excerpts rebuilt from
// their text and <mark> elements.
(async function () {
  const PAGE = 5; // results drawn at a time (each fetches its fragment, ~3.4 KB)
  const SUB_RESULTS = 3; // the arguments or sections of a result where the words are most
  const EXCERPT = 30; // words of a section's excerpt
  const box = document.getElementById("actas-search");
  const form = box.querySelector("form");
  const input = box.querySelector("input");
  const status = box.querySelector(".actas-search__status");
  const list = box.querySelector(".actas-search__results");
  const more = box.querySelector(".actas-search__more");
  const root = new URL(box.dataset.root, window.location.href);

  const response = await fetch(new URL("pagefind/shards.json", root));
  const shards = response.ok ? await response.json() : [];
  if (!shards.length) {
    status.textContent = box.dataset.empty;
    input.disabled = true;
    return;
  }
  const bundle = (name) => new URL("pagefind/" + name + "/", root).pathname;
  const pagefind = await import(bundle(shards[0]) + "pagefind.js");
  // In the page's own thread: a worker would fetch a second copy of Pagefind (12 KB).
  await pagefind.options({ baseUrl: root.pathname, noWorker: true, excerptLength: EXCERPT });
  for (const name of shards.slice(1)) await pagefind.mergeIndex(bundle(name));

  let results = [];
  let shown = 0;
  let latest = 0;

  async function search(term) {
    const id = ++latest;
    const found = term.trim() ? await pagefind.search(term) : null;
    if (id !== latest) return; // a later search overtook this one
    results = found ? found.results : [];
    shown = 0;
    list.replaceChildren();
    const said = [box.dataset.none, box.dataset.countOne][results.length] ?? box.dataset.count;
    status.textContent = term.trim() ? said.replace("{n}", results.length).replace("{q}", term) : "";
    await draw(id);
  }

  async function draw(id) {
    const page = results.slice(shown, shown + PAGE);
    shown += page.length;
    const found = await Promise.all(page.map((result) => result.data()));
    if (id !== latest) return;
    for (const data of found) list.append(item(data));
    more.hidden = shown >= results.length;
  }

  function item(data) {
    const li = document.createElement("li");
    li.className = "actas-result";
    li.append(link(data.url, data.meta.title, "actas-result__title"), facts(data.meta));
    li.append(excerpt(data.excerpt));
    const subs = subResults(data);
    if (subs.length) {
      const ul = document.createElement("ul");
      for (const sub of subs) {
        const entry = document.createElement("li");
        entry.append(link(sub.url, sub.title, "actas-result__section"));
        entry.append(marked(sectionWords(data, sub)));
        ul.append(entry);
      }
      li.append(ul);
    }
    return li;
  }

  // The outcome's badge, the date and the unit (search_document.html.j2 keeps them in each
  // decision's fragment, so they cost the first query nothing).
  function facts(meta) {
    const p = document.createElement("p");
    p.className = "actas-result__facts";
    if (meta.outcome) {
      const badge = document.createElement("span");
      badge.className = "actas-outcome actas-outcome--" + meta.outcome.replace(/[^a-z_]/g, "");
      badge.textContent = meta.outcome_label || meta.outcome;
      p.append(badge);
    }
    for (const fact of [meta.date, meta.unit]) if (fact) p.append(" · " + fact);
    return p;
  }

  // Pagefind cuts a section's excerpt from the page's words around the match, across the
  // section's bounds: it starts with the section's own heading and may run on into the next
  // argument's. Cut again from the page's words (``content``, which its word positions count),
  // from after the heading to the next one.
  function sectionWords(data, sub) {
    const words = data.content.split(/\s+/);
    const heading = sub.anchor;
    const start = heading ? heading.location + heading.text.split(/\s+/).length : 0;
    const next = (data.anchors || [])
      .map((anchor) => anchor.location)
      .filter((location) => location > (heading ? heading.location : -1))
      .sort((a, b) => a - b)[0];
    const end = next === undefined ? words.length : next;
    const found = sub.locations.filter((at) => at >= start && at < end);
    const first = found.length ? Math.min(...found) : start;
    const from = Math.max(start, Math.min(first - EXCERPT / 3, end - EXCERPT));
    const to = Math.min(end, from + EXCERPT);
    return { words: words.slice(from, to), from, found: new Set(found), cut: [from > start, to < end] };
  }

  function marked(section) {
    const p = document.createElement("p");
    p.className = "actas-result__excerpt";
    if (section.cut[0]) p.append("… ");
    section.words.forEach((word, index) => {
      if (index) p.append(" ");
      if (section.found.has(section.from + index)) {
        const mark = document.createElement("mark");
        mark.textContent = word;
        p.append(mark);
      } else {
        p.append(word);
      }
    });
    if (section.cut[1]) p.append(" …");
    return p;
  }

  // As Pagefind's own UI does: leave out the page itself, keep the three sections where the
  // words are found most, in page order.
  function subResults(data) {
    let subs = data.sub_results || [];
    if (subs.length && subs[0].url === data.url) subs = subs.slice(1);
    if (subs.length <= SUB_RESULTS) return subs;
    const best = [...subs]
      .sort((a, b) => b.locations.length - a.locations.length)
      .slice(0, SUB_RESULTS);
    return subs.filter((sub) => best.includes(sub));
  }

  function link(url, text, className) {
    const a = document.createElement("a");
    a.className = className;
    if (url.startsWith("/")) a.href = url; // site paths only
    a.textContent = text || url;
    return a;
  }

  // Pagefind's excerpt is the page's text, escaped, with <mark> around the words found. Parsed
  // in an inert document and rebuilt from text and <mark> only.
  function excerpt(html) {
    const p = document.createElement("p");
    p.className = "actas-result__excerpt";
    const parsed = new DOMParser().parseFromString(html || "", "text/html");
    for (const node of parsed.body.childNodes) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        p.append(mark);
      } else {
        p.append(node.textContent);
      }
    }
    return p;
  }

  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const url = new URL(window.location.href);
      url.searchParams.set("q", input.value);
      history.replaceState(null, "", url);
      search(input.value);
    }, 300);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search(input.value);
  });
  more.addEventListener("click", () => draw(latest));
  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    search(query);
  }
  input.focus();
})();
