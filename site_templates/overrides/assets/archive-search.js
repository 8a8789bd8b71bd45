// The archive's search page: Pagefind's search API over every shard of the index (see
// archive/search.py), its results drawn here in the page's own markup and Material's styles.
// Pagefind's ready-made UI was 134 KB of the 400 KB a first search fetched (uncompressed).
// User text reaches the page as text only: titles through textContent, excerpts rebuilt from
// their text and <mark> elements.
// Filters (outcome, unit, tag, year: search_document.html.j2) are Pagefind's own, kept in files
// of their own that only pagefind.filters() or a filtered search fetches: a first query fetches
// none of them, and the filters panel loads them when the reader first opens it.
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
  const toggle = box.querySelector(".actas-search__filters-toggle");
  const panel = document.getElementById("actas-filters");
  const chips = box.querySelector(".actas-search__chips");
  const GROUPS = ["outcome", "unit", "tag", "year"];
  const chosen = Object.fromEntries(GROUPS.map((group) => [group, new Set()]));
  const choices = []; // each value's checkbox and count, once the filters are loaded
  let totals = null; // pagefind.filters(): every value's count in the whole archive
  let loading = null;

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
  toggle.hidden = false;

  let results = [];
  let shown = 0;
  let latest = 0;

  // The words, within the chosen filters; without words, every decision the filters choose.
  async function search(term) {
    const id = ++latest;
    list.setAttribute("aria-busy", "true"); // until this search's results are drawn
    const words = term.trim() ? term : null;
    const found = await run(words);
    const counts = totals ? await countsFor(words, found) : null;
    if (id !== latest) return; // a later search overtook this one
    results = found ? found.results : [];
    shown = 0;
    list.replaceChildren();
    status.textContent = found ? said(term, results.length) : "";
    if (counts) showCounts(counts);
    await draw(id);
  }

  // Nothing to search without words or filters.
  async function run(words) {
    const filters = chosenFilters();
    const filtered = Object.keys(filters).length > 0;
    return words || filtered ? pagefind.search(words, { filters }) : null;
  }

  function said(term, n) {
    const data = box.dataset;
    const [none, one, many] = term.trim()
      ? [data.none, data.countOne, data.count]
      : [data.filteredNone, data.filteredOne, data.filtered];
    return ([none, one][n] ?? many).replace("{n}", n).replace("{q}", term);
  }

  // AND across groups, OR within one: {outcome: {any: [...]}, year: {any: [...]}}.
  function chosenFilters(except) {
    const filters = {};
    for (const group of GROUPS) {
      if (group !== except && chosen[group].size) filters[group] = { any: [...chosen[group]] };
    }
    return filters;
  }

  // How many results each value would give: a group's counts under the other groups' choices
  // (within a group values add up), from searches that fetch nothing once the filters are in.
  async function countsFor(words, found) {
    const counts = {};
    for (const group of GROUPS) {
      const others = chosenFilters(group);
      if (found && !chosen[group].size) counts[group] = found.filters[group];
      else if (!words && !Object.keys(others).length) counts[group] = totals[group];
      else counts[group] = (await pagefind.search(words, { filters: others })).filters[group];
    }
    return counts;
  }

  async function draw(id) {
    const page = results.slice(shown, shown + PAGE);
    shown += page.length;
    const found = await Promise.all(page.map((result) => result.data()));
    if (id !== latest) return;
    for (const data of found) list.append(item(data));
    list.removeAttribute("aria-busy");
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

  // The filters panel: loaded when first opened, a group of checkboxes per filter.
  async function openFilters(open) {
    toggle.setAttribute("aria-expanded", String(open));
    panel.hidden = !open;
    if (open && !totals) await (loading ??= loadFilters());
  }

  async function loadFilters() {
    panel.setAttribute("aria-busy", "true");
    panel.textContent = box.dataset.loading;
    const loaded = await pagefind.filters();
    const groups = GROUPS.filter((group) => Object.keys(loaded[group] || {}).length);
    panel.replaceChildren(...groups.map((group) => fieldset(group, loaded[group])));
    totals = loaded;
    // Counts for the words already searched, leaving the results drawn as they are.
    const words = input.value.trim() ? input.value : null;
    showCounts(await countsFor(words, await run(words)));
    panel.removeAttribute("aria-busy");
  }

  function fieldset(group, values) {
    const set = document.createElement("fieldset");
    set.className = "actas-filters__group";
    const legend = document.createElement("legend");
    legend.textContent = box.dataset["group" + group[0].toUpperCase() + group.slice(1)];
    const column = document.createElement("div");
    column.className = "actas-filters__values";
    set.append(legend, column);
    for (const value of ordered(group, values)) {
      const label = document.createElement("label");
      const checkbox = document.createElement("input");
      checkbox.type = "checkbox";
      checkbox.checked = chosen[group].has(value);
      checkbox.addEventListener("change", () => choose(group, value, checkbox.checked));
      const count = document.createElement("span");
      count.className = "actas-filters__count";
      label.append(checkbox, " " + value + " ", count);
      column.append(label);
      choices.push({ group, value, label, checkbox, count });
    }
    return set;
  }

  // Years newest first; other values by how many decisions have them, then by name.
  function ordered(group, values) {
    const names = Object.keys(values);
    if (group === "year") return names.sort((a, b) => b.localeCompare(a));
    return names.sort((a, b) => values[b] - values[a] || a.localeCompare(b));
  }

  // A value no result has is left out, unless chosen or where the keyboard is.
  function showCounts(counts) {
    for (const choice of choices) {
      const n = (counts[choice.group] || {})[choice.value] || 0;
      choice.count.textContent = n;
      const kept = n > 0 || choice.checkbox.checked || document.activeElement === choice.checkbox;
      choice.label.hidden = !kept;
    }
    for (const set of panel.querySelectorAll("fieldset")) {
      set.hidden = !set.querySelector("label:not([hidden])");
    }
  }

  function choose(group, value, on) {
    if (on) chosen[group].add(value);
    else chosen[group].delete(value);
    for (const choice of choices) {
      if (choice.group === group && choice.value === value) choice.checkbox.checked = on;
    }
    drawChips();
    keepInAddress();
    search(input.value);
  }

  // The words and the chosen filters in the page's address (?q=…&outcome=…&year=…, a value per
  // parameter), so that a search can be bookmarked, shared or put in a report as it is.
  function keepInAddress() {
    const url = new URL(window.location.href);
    url.searchParams.delete("q");
    for (const group of GROUPS) url.searchParams.delete(group);
    if (input.value.trim()) url.searchParams.set("q", input.value);
    for (const group of GROUPS) {
      for (const value of chosen[group]) url.searchParams.append(group, value);
    }
    history.replaceState(null, "", url);
  }

  // Each chosen filter as a chip that removes it; the keyboard then goes to the next chip.
  function drawChips() {
    const items = [];
    for (const group of GROUPS) {
      for (const value of chosen[group]) items.push(chip(group, value));
    }
    chips.replaceChildren(...items);
    chips.hidden = !items.length;
  }

  function chip(group, value) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "actas-chip";
    button.textContent = value;
    button.setAttribute("aria-label", box.dataset.remove.replace("{value}", value));
    button.addEventListener("click", () => {
      const at = [...chips.children].indexOf(li);
      choose(group, value, false);
      const next = chips.children[Math.min(at, chips.children.length - 1)];
      (next ? next.querySelector("button") : toggle).focus();
    });
    li.append(button);
    return li;
  }

  toggle.addEventListener("click", () => {
    openFilters(toggle.getAttribute("aria-expanded") !== "true");
  });
  panel.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    openFilters(false);
    toggle.focus();
  });

  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      keepInAddress();
      search(input.value);
    }, 300);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search(input.value);
  });
  more.addEventListener("click", () => draw(latest));
  const asked = new URLSearchParams(window.location.search);
  for (const group of GROUPS) {
    for (const value of asked.getAll(group)) chosen[group].add(value);
  }
  input.value = asked.get("q") || "";
  drawChips();
  if (input.value || GROUPS.some((group) => chosen[group].size)) search(input.value);
  input.focus();
})();
