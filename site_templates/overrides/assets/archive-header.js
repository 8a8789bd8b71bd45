// Every page's script. The header's search box (partials/header.html): "/" puts the cursor in it, as in Material's
// own search, unless the reader is typing somewhere already. On the search page the page's own
// box takes the words instead, and the header's is left out (one box, not two).
(function () {
  // Printing: the whole record, so what is folded (earlier versions, a long timeline) opens.
  window.addEventListener("beforeprint", () => {
    for (const details of document.querySelectorAll("article details")) details.open = true;
  });
  const header = document.querySelector(".actas-header-search");
  const page = document.querySelector("#actas-search input");
  if (header && page) header.hidden = true;
  const box = page || (header && header.querySelector("input"));
  if (!box) return;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target instanceof HTMLElement && (target.isContentEditable ||
        ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
    event.preventDefault();
    box.focus();
    box.select();
  });
})();
