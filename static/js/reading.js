// Reading page: an annotation's details next to its mark on hover, focus or click, and
// permalinks (#annotation-ID) that light up every piece of a mark split by others.
// Without this script the same details sit in the annotation list, linked both ways.
(() => {
  "use strict";
  const card = document.getElementById("annotation-card");
  let pinned = false;
  let hideTimer = 0;

  const marksAt = (el) => {
    const found = [];
    for (let m = el.closest?.("#article-body mark.ann"); m; m = m.parentElement.closest("mark.ann")) {
      found.push(m);
    }
    return found;
  };

  function show(mark, pin) {
    const parts = marksAt(mark)
      .map((m) => document.getElementById("note-" + m.dataset.annotation))
      .filter(Boolean)
      .map((details) => {
        const copy = details.cloneNode(true);
        copy.removeAttribute("id");
        return copy;
      });
    if (!parts.length) return;
    clearTimeout(hideTimer);
    card.replaceChildren(...parts);
    card.hidden = false;
    const box = mark.getBoundingClientRect();
    const width = card.offsetWidth;
    const left = Math.min(box.left, document.documentElement.clientWidth - width - 8);
    card.style.left = `${Math.max(8, left) + window.scrollX}px`;
    card.style.top = `${box.bottom + window.scrollY + 6}px`;
    pinned = pin;
  }

  function hide() {
    card.hidden = true;
    pinned = false;
  }

  function hideSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 300);
  }

  if (card) {
    document.addEventListener("mouseover", (e) => {
      const mark = e.target.closest?.("#article-body mark.ann");
      if (mark && !pinned) show(mark, false);
      else if (card.contains(e.target)) clearTimeout(hideTimer);
      else if (!pinned && !card.hidden) hideSoon();
    });
    document.addEventListener("focusin", (e) => {
      const mark = e.target.closest?.("#article-body mark.ann");
      if (mark) show(mark, false);
      else if (!card.contains(e.target)) hide();
    });
    document.addEventListener("click", (e) => {
      const mark = e.target.closest?.("#article-body mark.ann");
      if (mark) show(mark, true);
      else if (!card.contains(e.target)) hide();
    });
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape") hide();
      const mark = e.target.closest?.("#article-body mark.ann");
      if (mark && (e.key === "Enter" || e.key === " ")) {
        e.preventDefault();
        show(mark, true);
      }
    });
  }

  function lightTarget() {
    for (const el of document.querySelectorAll(".is-target")) el.classList.remove("is-target");
    const match = /^#annotation-(\d+)$/.exec(location.hash);
    if (!match) return;
    const pieces = document.querySelectorAll(`mark[data-annotation="${match[1]}"]`);
    for (const el of [...pieces, document.getElementById("item-" + match[1])]) {
      el?.classList.add("is-target");
    }
  }
  window.addEventListener("hashchange", lightTarget);
  document.addEventListener("htmx:afterSettle", lightTarget);
  lightTarget();
})();
