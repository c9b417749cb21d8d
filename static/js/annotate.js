// Annotating for editors: what HTMX cannot do on its own.
//
// - Turn the reader's text selection into code-point offsets into the article body, snapped to
//   whole words with surrounding spaces trimmed (spans.js, shared with review.js). Each block
//   inside #article-body carries data-start (its code-point offset); JS strings are UTF-16, so
//   lengths are counted in code points ([...text].length), never with .length.
// - Show the form beside the selection, the details panel beside a mark, and keyboard shortcuts.
// Saving, editing and deleting are plain HTMX requests; the server answers with fragments.

import { clearResize, setupResize } from "./resize.js";
import { domPoint, selectedSpan as selectedSpanIn } from "./spans.js";

const UNDO_SECONDS = 10;

const $ = (id) => document.getElementById(id);
const tools = $("editor-tools");
const createPanel = $("annotate-create");
const panel = $("annotation-panel");
const help = $("shortcut-help");
let pending = null; // the span the create form is about: {start, end, exact}
let pointerDown = false;
let undoTimer = null;
let undoShown = null;

function articleBody() {
  return $("article-body");
}

// The current selection as a snapped span of the article body, or null (spans.js).
function selectedSpan() {
  return selectedSpanIn(articleBody());
}

function spanRange(span) {
  const root = articleBody();
  const range = document.createRange();
  range.setStart(...domPoint(span.start, root));
  range.setEnd(...domPoint(span.end, root));
  return range;
}

function showPending(span) {
  if (!window.CSS || !CSS.highlights || typeof Highlight === "undefined") return;
  if (span) CSS.highlights.set("annotate-pending", new Highlight(spanRange(span)));
  else CSS.highlights.delete("annotate-pending");
}

// Below the selection when the whole panel fits there above the editor bar; else above it;
// else as low as it fits, so Save is never below the fold or under the bar.
function place(element, rect, preferBeside = false) {
  if (!rect) return;
  const width = Math.min(element.offsetWidth || 416, window.innerWidth - 32);
  const left = Math.max(16, Math.min(rect.left, window.innerWidth - width - 16));
  const bar = document.querySelector(".editor-bar")?.getBoundingClientRect();
  const floor = Math.min(window.innerHeight, bar && bar.height ? bar.top : window.innerHeight) - 8;
  // No taller than the room above the bar; its actions stay in view (sticky, annotate.css).
  element.style.setProperty("--panel-max", `${Math.max(160, floor - 8)}px`);
  const height = element.offsetHeight;
  let top = rect.bottom + 8;
  if (top + height > floor) {
    const above = rect.top - height - 8;
    top = above >= 8 ? above : Math.max(8, floor - height);
  }
  // Neither below nor above has room: beside the article text where the screen is wide
  // enough (the words being annotated, or resized, stay in view), else over it.
  const covers = top < rect.bottom && top + height > rect.top;
  const text = articleBody()?.getBoundingClientRect();
  // Resizing a span wants the text around it free for the handles: beside it when it fits.
  if ((covers || preferBeside) && text && text.right + 16 + width <= window.innerWidth - 16) {
    element.style.setProperty("--panel-left", `${text.right + 16 + window.scrollX}px`);
    const beside = Math.max(8, Math.min(rect.top - 8, floor - height));
    element.style.setProperty("--panel-top", `${beside + window.scrollY}px`);
    return;
  }
  element.style.setProperty("--panel-left", `${left + window.scrollX}px`);
  element.style.setProperty("--panel-top", `${top + window.scrollY}px`);
}

// The form grows when a kind is chosen (a quote's speaker, a claim's verdict): placed again.
if (window.ResizeObserver && createPanel) {
  new ResizeObserver(() => {
    if (!createPanel.hidden && pending && window.matchMedia("(min-width: 40.01rem)").matches) {
      place(createPanel, spanRange(pending).getBoundingClientRect());
    }
  }).observe(createPanel);
}

function createForm() {
  return $("annotate-form");
}

const FIRST_FIELD = { quote: "speaker", claim: "verdict", highlight: "tags" };

function focusField(form, kind) {
  const field = form.elements[FIRST_FIELD[kind]] || form.querySelector("input[name=kind]:checked");
  if (field) field.focus({ preventScroll: true });
}

function openCreate(span, kind, moveFocus) {
  const form = createForm();
  if (!form) return;
  const same = pending && pending.start === span.start && pending.end === span.end;
  if (!same) form.querySelectorAll(".form-error").forEach((e) => e.remove());
  pending = span;
  form.elements.start.value = span.start;
  form.elements.end.value = span.end;
  form.elements.exact.value = span.exact;
  const preview = form.querySelector("[data-exact-preview]");
  if (preview) preview.textContent = span.exact.length > 300 ? `${span.exact.slice(0, 299)}…` : span.exact;
  if (kind) {
    const radio = form.querySelector(`input[name=kind][value=${kind}]`);
    if (radio) radio.checked = true;
  }
  panel.hidden = true;
  createPanel.hidden = false;
  place(createPanel, span.rect);
  showPending(span);
  if (moveFocus) focusField(form, kind || form.querySelector("input[name=kind]:checked")?.value);
}

function closePanels() {
  const hadFocus = createPanel.contains(document.activeElement) || panel.contains(document.activeElement);
  const detailsOpen = !panel.hidden;
  createPanel.hidden = true;
  panel.hidden = true;
  pending = null;
  clearResize();
  showPending(null);
  if (hadFocus && !(detailsOpen && focusOpener())) $("main")?.focus({ preventScroll: true });
}

// Closing the details panel puts focus back where the editor was: the mark or list link
// that opened it. A swap may have replaced that element meanwhile; a mark's successor has
// its id.
function focusOpener() {
  const opener = panelOpener && (panelOpener.isConnected ? panelOpener : panelOpener.id && $(panelOpener.id));
  if (!opener) return false;
  opener.focus({ preventScroll: true });
  return document.activeElement === opener;
}

function say(message) {
  const status = $("annotate-status");
  if (status) status.textContent = message;
}

function detailUrl(id) {
  return tools.dataset.detailUrl.replace("/0/", `/${id}/`);
}

let panelAnchor = null;
let panelOpener = null;

function openDetails(mark) {
  panelAnchor = mark.getBoundingClientRect();
  panelOpener = mark;
  htmx.ajax("GET", detailUrl(mark.dataset.annotation), { target: "#annotation-panel", swap: "innerHTML" });
}

function marks() {
  const root = articleBody();
  return root ? [...root.querySelectorAll("mark[id^='annotation-']")] : [];
}

function moveAmongMarks(step) {
  const all = marks();
  if (!all.length) return;
  const current = all.indexOf(document.activeElement);
  const next = current < 0 ? (step > 0 ? 0 : all.length - 1) : (current + step + all.length) % all.length;
  all[next].focus();
}

function typingIn(target) {
  return target.closest && target.closest("input, textarea, select, [contenteditable]");
}

function maybeOfferForm() {
  if (pointerDown) return;
  const span = selectedSpan();
  if (span) openCreate(span, null, false);
}

// Keyboard selection: the article text is not editable, so browsers give it no caret. Editors
// can Tab into the text (or click in it) and move or extend a caret with the arrow keys.
const ARROWS = { ArrowLeft: "backward", ArrowRight: "forward", ArrowUp: "backward", ArrowDown: "forward" };

function caretIntoText() {
  const root = articleBody();
  if (!root) return;
  root.tabIndex = 0;
  root.setAttribute("role", "region");
  root.setAttribute("aria-label", "Article text: Shift and the arrow keys select, q c h annotate");
}

function keyboardSelect(event) {
  const root = articleBody();
  const direction = ARROWS[event.key];
  if (!root || !direction || event.altKey || event.metaKey) return false;
  const selection = window.getSelection();
  const inText = selection.rangeCount && root.contains(selection.anchorNode);
  const focused = root.contains(document.activeElement);
  if (!(event.shiftKey ? inText || focused : focused && document.activeElement === root)) return false;
  if (!inText) {
    const start = document.activeElement !== root ? document.activeElement : root;
    selection.collapse(...domPointIn(start));
  }
  const vertical = event.key === "ArrowUp" || event.key === "ArrowDown";
  const granularity = vertical ? "line" : event.ctrlKey ? "word" : "character";
  selection.modify(event.shiftKey ? "extend" : "move", direction, granularity);
  return true;
}

function domPointIn(element) {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const first = walker.nextNode();
  return first ? [first, 0] : [element, 0];
}

// Details, Edit and Delete under each entry of the annotation list (rendered for readers).
function addListActions() {
  const list = $("annotation-list");
  const template = $("annotation-actions-template");
  if (!list || !template) return;
  for (const item of list.querySelectorAll("li[data-annotation]")) {
    if (item.querySelector(".annotation-actions")) continue;
    const actions = template.content.firstElementChild.cloneNode(true);
    for (const el of [actions, ...actions.querySelectorAll("*")]) {
      for (const attr of el.attributes) {
        if (attr.value.includes("/0/")) attr.value = attr.value.replace("/0/", `/${item.dataset.annotation}/`);
      }
    }
    item.append(actions);
    htmx.process(actions);
  }
}

// The editor bar never covers the article text on a wide screen: it goes over the notes'
// column beside it; everywhere the page keeps room below for it (annotate.css).
function placeBar() {
  const bar = document.querySelector(".editor-bar");
  const text = articleBody();
  if (!bar || !text) return;
  const right = text.getBoundingClientRect().right;
  const room = window.innerWidth - right - 40;
  const wide = window.matchMedia("(min-width: 64rem)").matches && room >= 256;
  bar.classList.toggle("is-beside", wide);
  if (wide) {
    bar.style.setProperty("--bar-left", `${right + 24}px`);
    bar.style.setProperty("--bar-width", `${room}px`);
  }
  document.documentElement.style.setProperty("--editor-bar-room", `${bar.offsetHeight + 16}px`);
}
window.addEventListener("resize", placeBar);
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-editor-menu]");
  if (!toggle) return;
  const bar = toggle.closest(".editor-bar");
  const open = !bar.classList.contains("is-open");
  bar.classList.toggle("is-open", open);
  toggle.setAttribute("aria-expanded", String(open));
  placeBar();
});

function refresh() {
  caretIntoText();
  addListActions();
  placeBar();
}
refresh();
document.body.addEventListener("htmx:afterSettle", refresh);
document.body.addEventListener("htmx:oobAfterSwap", refresh);

let selectionTimer = null;
document.addEventListener("selectionchange", () => {
  clearTimeout(selectionTimer);
  selectionTimer = setTimeout(maybeOfferForm, 250);
});
document.addEventListener("pointerdown", (event) => {
  if (!event.target.closest(".annotate-panel")) pointerDown = true;
});
document.addEventListener("pointerup", () => {
  if (!pointerDown) return;
  pointerDown = false;
  setTimeout(maybeOfferForm, 0);
});

// Editors get the details panel for a mark instead of the readers' card (capture phase, so
// the reading script's own listener never sees these).
document.addEventListener(
  "click",
  (event) => {
    const mark = event.target.closest("#article-body mark[data-annotation]");
    if (!mark || !window.getSelection().isCollapsed) return;
    event.stopPropagation();
    openDetails(mark);
  },
  true,
);
document.addEventListener(
  "keydown",
  (event) => {
    if (event.key !== "Enter" || !event.target.matches("#article-body mark[data-annotation]")) return;
    event.stopPropagation();
    event.preventDefault();
    openDetails(event.target);
  },
  true,
);

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-annotate-cancel]")) {
    closePanels();
    return;
  }
  if (event.target.closest("[data-help-open]")) {
    help.showModal();
    return;
  }
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    if (help.open) return; // the dialog closes itself
    if (!createPanel.hidden || !panel.hidden) {
      event.preventDefault();
      closePanels();
    }
    return;
  }
  if (!typingIn(event.target) && !help.open && keyboardSelect(event)) {
    event.preventDefault();
    return;
  }
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && event.target.form) {
    event.preventDefault();
    event.target.form.requestSubmit();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target) || help.open) return;
  // a, e, r on a focused suggested quote (its entry in the panel or its mark in the text).
  const action = { a: "accept", e: "edit", r: "reject" }[event.key];
  const suggestionId = action && (event.target.dataset?.suggestion || event.target.dataset?.annotation);
  const control = suggestionId && $(`suggestion-${suggestionId}`)?.querySelector(`[data-suggestion-action=${action}]`);
  if (control) {
    if (control.tagName === "FORM") control.requestSubmit();
    else control.click();
    event.preventDefault();
    return;
  }
  const kind = { q: "quote", c: "claim", h: "highlight" }[event.key];
  if (kind) {
    const span = selectedSpan() || (!createPanel.hidden && pending);
    if (span) openCreate(span, kind, true);
    else say("Select some text first, then press q, c or h.");
    event.preventDefault();
    return;
  }
  // e and d act on the annotation whose details are open, and only while focus is on it:
  // in its panel, or on its mark or list entry (not on another mark Tab moved to).
  const open = panel.hidden ? null : panel.querySelector(".annotation-details");
  const onIt = document.activeElement?.closest?.("[data-annotation]")?.dataset.annotation;
  const details =
    open && (panel.contains(document.activeElement) || onIt === open.dataset.annotationId) ? open : null;
  // htmx wires new content up only when it settles (20 ms after the panel shows): a quick
  // e or d would otherwise leave the page for the plain edit form or delete.
  if (details && (event.key === "e" || event.key === "d")) htmx.process(details);
  switch (event.key) {
    case "?":
      help.showModal();
      break;
    case "n":
      moveAmongMarks(1);
      break;
    case "p":
      moveAmongMarks(-1);
      break;
    case "e":
      if (details) details.querySelector("[data-action=edit]").click();
      else return;
      break;
    case "d":
      if (details) details.querySelector("[data-action=delete]").form.requestSubmit();
      else return;
      break;
    case "u": {
      const undo = document.querySelector("#annotate-status [data-undo]");
      if (undo) undo.form.requestSubmit();
      else return;
      break;
    }
    default:
      return;
  }
  event.preventDefault();
});

// Validation errors (422), conflicts (409) and a refused CSRF check (403) carry a message to show.
document.body.addEventListener("htmx:beforeSwap", (event) => {
  const { xhr } = event.detail;
  if (xhr.status === 422 || xhr.status === 409 || (xhr.status === 403 && xhr.getResponseHeader("HX-Retarget"))) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  } else if (xhr.status >= 400) {
    say(`Something went wrong (the server answered ${xhr.status}). Reload the page and try again.`);
  }
});

// A delete takes away the element that had focus: focus goes to the annotation after it in
// text order (else the one before, else the Undo), so the keyboard caret stays in place.
let focusAfterDelete = null;
document.body.addEventListener("htmx:beforeRequest", (event) => {
  const deleting = (event.detail.elt.getAttribute?.("hx-post") || "").match(/\/annotations\/(\d+)\/delete\/$/);
  if (!deleting) return;
  const ids = [...document.querySelectorAll("#annotation-list li[data-annotation]")].map((li) => li.dataset.annotation);
  const at = ids.indexOf(deleting[1]);
  focusAfterDelete = at < 0 ? null : ids[at + 1] ?? ids[at - 1] ?? null;
});

function focusAfterDeleting() {
  const next = focusAfterDelete !== null && $("annotation-" + focusAfterDelete);
  focusAfterDelete = null;
  const target = next || document.querySelector("#annotate-status [data-undo]") || $("main");
  target?.focus({ preventScroll: !next });
}

document.body.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  if (target === panel) {
    if (!panel.innerHTML.trim()) {
      closePanels();
      if (focusAfterDelete !== null || document.activeElement === document.body) focusAfterDeleting();
      return;
    }
    const from = event.detail.requestConfig && event.detail.requestConfig.elt;
    // A link inside the panel (Edit) is gone by now, swapped out with the old content: a
    // request from there keeps the panel's place and opener.
    if (from && from.isConnected && !panel.contains(from) && from !== document.body) {
      panelAnchor = from.getBoundingClientRect();
      panelOpener = from;
    }
    createPanel.hidden = true;
    panel.hidden = false;
    // An edit form gets its span's handles (and the text around it kept free where the
    // screen allows); anything else in the panel, none.
    const editing = panel.querySelector("form[id^=edit-form-]");
    place(panel, panelAnchor, Boolean(editing?.querySelector("[data-span-edit]")));
    if (editing) setupResize(editing);
    else clearResize();
    const field = panel.querySelector("[aria-invalid=true], input[name=kind]:checked, h2");
    if (field) {
      if (field.tagName === "H2") field.tabIndex = -1;
      field.focus({ preventScroll: true });
    }
  } else if (target.id === "annotate-form" || event.detail.elt.id === "annotate-form") {
    const invalid = createForm()?.querySelector("[aria-invalid=true], .form-error");
    if (invalid && pending) place(createPanel, spanRange(pending).getBoundingClientRect());
    const field = createForm()?.querySelector("[aria-invalid=true]");
    if (field) field.focus({ preventScroll: true });
  }
});

// A suggestion's edit-then-accept form (swapped in over its entry, outerHTML: htmx:load is
// what reaches the body from the new element) gets its span's handles too.
document.body.addEventListener("htmx:load", (event) => {
  const form = event.target.closest && event.target.closest(".suggestion.is-editing")?.querySelector("form.suggestion-form");
  if (form && form.querySelector("[data-span-edit]")) setupResize(form);
});

// An Undo lasts ten seconds from when it appears, whatever swap brought it (a delete's empty
// panel included) and whatever swaps come after it (which must not give it ten more).
document.body.addEventListener("htmx:afterSettle", () => {
  const undo = document.querySelector("#annotate-status [data-undo]");
  if (undo && undo !== undoShown) {
    undoShown = undo;
    clearTimeout(undoTimer);
    undoTimer = setTimeout(() => undo.form && undo.form.remove(), UNDO_SECONDS * 1000);
  }
});

function clearForm(form) {
  for (const field of form.elements) {
    if (field.type === "checkbox" || field.type === "radio") field.checked = false;
    else if (!["submit", "button"].includes(field.type) && field.name !== "csrfmiddlewaretoken") field.value = "";
    field.removeAttribute("aria-invalid");
  }
  form.querySelectorAll(".form-error").forEach((e) => e.remove());
  const preview = form.querySelector("[data-exact-preview]");
  if (preview) preview.textContent = "";
}

// A saved annotation: clear and close the form, put focus on its mark without scrolling.
document.body.addEventListener("annotation-saved", (event) => {
  if (createForm()) clearForm(createForm());
  closePanels();
  window.getSelection().removeAllRanges();
  const mark = $(`annotation-${event.detail.id}`);
  if (mark) mark.focus({ preventScroll: true });
});

// A write's answer holds only what it changed, placed next to what the page already shows
// (the list entry before it, the count). If that is missing, the page was out of date (another
// editor's change): reload the article's part of the page, as a filter link does.
let resyncing = false;
document.body.addEventListener("htmx:oobErrorNoTarget", (event) => {
  const content = event.detail.content;
  if (resyncing || !content || !content.hasAttribute || !content.hasAttribute("data-resync")) return;
  resyncing = true;
  htmx
    .ajax("GET", window.location.href, { target: "#reading", select: "#reading", swap: "outerHTML show:none" })
    .finally(() => {
      resyncing = false;
    });
});
