// Reading page: an annotation's details next to its mark on hover, focus or click;
// permalinks (#annotation-ID) that light up every piece of a mark split by others; on wide
// screens the list's notes moved beside their marks (aligned to the mark's line, stacked
// without overlap), the mark and its note lit together while either is hovered or focused.
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

  // `passive`: shown because the mark took focus (a save moves focus to it), not because
  // the pointer is on it; such a card lets presses through, so it never stops a drag that
  // starts on the text it covers.
  function show(mark, pin, passive = false) {
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
    card.classList.toggle("is-passive", passive);
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
      if (mark) show(mark, false, true);
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

  // Notes beside their marks: each list entry at its first mark's height, pushed down
  // below the entry before when they would overlap. All reads, then all writes: one layout
  // for a thousand entries.
  const wide = window.matchMedia("(min-width: 64rem)");
  const reading = () => document.getElementById("reading");
  let queued = false;

  function placeNotes() {
    queued = false;
    const root = reading();
    const list = root?.querySelector("#annotation-list ol");
    if (!list) return;
    const items = [...list.querySelectorAll(":scope > .annotation-item")];
    if (!wide.matches || !items.length) {
      root.classList.remove("notes-beside");
      list.style.height = "";
      for (const item of items) item.style.top = "";
      return;
    }
    root.classList.add("notes-beside");
    const origin = list.getBoundingClientRect().top;
    const wanted = items.map((item) => {
      const mark = document.getElementById("annotation-" + item.dataset.annotation);
      return mark ? mark.getBoundingClientRect().top - origin : 0;
    });
    const heights = items.map((item) => item.offsetHeight);
    let next = 0;
    const tops = wanted.map((top, i) => {
      const placed = Math.max(top, next);
      next = placed + heights[i] + 8;
      return placed;
    });
    items.forEach((item, i) => {
      item.style.top = `${tops[i]}px`;
    });
    list.style.height = `${next}px`;
  }

  function queuePlacing() {
    if (queued) return;
    queued = true;
    requestAnimationFrame(placeNotes);
  }

  wide.addEventListener("change", queuePlacing);
  window.addEventListener("resize", queuePlacing);
  window.addEventListener("load", queuePlacing);
  document.fonts?.ready.then(queuePlacing);
  document.addEventListener("htmx:afterSettle", queuePlacing);
  placeNotes();

  // The active annotation, lit both ways: its mark's pieces and its note.
  const annotationOf = (el) =>
    el.closest?.("#article-body mark.ann, #annotation-list .annotation-item")?.dataset.annotation;

  function activate(id) {
    for (const el of document.querySelectorAll(".is-active")) el.classList.remove("is-active");
    if (!id) return;
    const pieces = document.querySelectorAll(`mark[data-annotation="${id}"]`);
    for (const el of [...pieces, document.getElementById("item-" + id)]) {
      el?.classList.add("is-active");
    }
  }

  document.addEventListener("mouseover", (e) => activate(annotationOf(e.target)));
  document.addEventListener("focusin", (e) => activate(annotationOf(e.target)));
})();
