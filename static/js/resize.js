// Resizing an annotation's span while editing it: two handles on the text to drag (snapping
// to words as a new selection does; hold Alt for single characters) and the same two edges as
// sliders in the form for the keyboard (← → by word, Shift+← → by character). Each move
// fills the form's start, end and exact, previews the words, and shows the new span in the
// text; nothing is stored until Save.

import { blocks, bodyChars, domPoint, isWordAt, pointOffset } from "./spans.js";

const HIGHLIGHT = "annotate-pending";
const SPACE = /\s/u;
let active = null; // {form, root, chars, start, end, handles}

function root() {
  return document.getElementById("article-body");
}

function rangeOf(start, end) {
  const range = document.createRange();
  range.setStart(...domPoint(start, active.root));
  range.setEnd(...domPoint(end, active.root));
  return range;
}

// The next edge position a step away: by word (the start of a word for the start edge, the
// end of one for the end edge) or by one character; never an empty span.
export function stepEdge(chars, start, end, edge, direction, byChar) {
  let at = edge === "start" ? start : end;
  if (byChar) {
    at += direction;
  } else if (edge === "start") {
    if (direction < 0) {
      at--;
      while (at > 0 && !isWordAt(chars, at)) at--;
      while (at > 0 && isWordAt(chars, at - 1)) at--;
    } else {
      while (at < chars.length && isWordAt(chars, at)) at++;
      while (at < chars.length && !isWordAt(chars, at)) at++;
    }
  } else if (direction > 0) {
    at++;
    while (at < chars.length && !isWordAt(chars, at - 1)) at++;
    while (at < chars.length && isWordAt(chars, at)) at++;
  } else {
    while (at > 0 && isWordAt(chars, at - 1)) at--;
    while (at > 0 && !isWordAt(chars, at - 1)) at--;
  }
  at = Math.max(0, Math.min(chars.length, at));
  if (edge === "start") return at < end ? at : start;
  return at > start ? at : end;
}

// A point the pointer reached, as an edge: snapped out to the word it falls in.
function snapEdge(chars, at, edge, byChar) {
  if (byChar) return at;
  if (edge === "start") {
    while (at < chars.length && SPACE.test(chars[at])) at++;
    while (at > 0 && isWordAt(chars, at) && isWordAt(chars, at - 1)) at--;
  } else {
    while (at > 0 && SPACE.test(chars[at - 1])) at--;
    while (at < chars.length && isWordAt(chars, at - 1) && isWordAt(chars, at)) at++;
  }
  return at;
}

function show() {
  const { form, start, end, chars } = active;
  const exact = chars.slice(start, end).join("");
  form.elements.start.value = start;
  form.elements.end.value = end;
  // An annotation's edit form carries the words as `exact`; a suggestion's shows them in its
  // Quote field, which the editor may still type into.
  if (form.elements.exact) form.elements.exact.value = exact;
  if (form.elements.text) form.elements.text.value = exact;
  const preview = form.querySelector("[data-exact-preview]");
  if (preview) preview.textContent = exact.length > 300 ? `${exact.slice(0, 299)}…` : exact;
  for (const slider of form.querySelectorAll("[data-edge]")) {
    const value = slider.dataset.edge === "start" ? start : end;
    slider.setAttribute("aria-valuenow", value);
    slider.setAttribute("aria-valuetext", `${slider.dataset.edge === "start" ? "starts" : "ends"} at “${edgeWords(slider.dataset.edge)}”`);
  }
  const range = rangeOf(start, end);
  if (window.CSS && CSS.highlights && typeof Highlight !== "undefined") {
    CSS.highlights.set(HIGHLIGHT, new Highlight(range));
  }
  placeHandles(range);
}

function edgeWords(edge) {
  const { chars, start, end } = active;
  const words = chars.slice(start, end).join("").trim().split(/\s+/u);
  return edge === "start" ? words.slice(0, 3).join(" ") : words.slice(-3).join(" ");
}

function placeHandles(range) {
  const rects = [...range.getClientRects()].filter((r) => r.width || r.height);
  if (!rects.length) return;
  const first = rects[0];
  const last = rects[rects.length - 1];
  const [startHandle, endHandle] = active.handles;
  startHandle.style.left = `${first.left + window.scrollX - 6}px`;
  startHandle.style.top = `${first.top + window.scrollY}px`;
  startHandle.style.height = `${first.height}px`;
  endHandle.style.left = `${last.right + window.scrollX - 6}px`;
  endHandle.style.top = `${last.top + window.scrollY}px`;
  endHandle.style.height = `${last.height}px`;
}

function makeHandle(edge) {
  const handle = document.createElement("span");
  handle.className = `span-handle span-handle-${edge}`;
  handle.dataset.handle = edge;
  handle.setAttribute("aria-hidden", "true"); // the form's sliders are the accessible way
  handle.title = edge === "start" ? "Drag to move the start" : "Drag to move the end";
  document.body.append(handle);
  return handle;
}

export function clearResize() {
  if (!active) return;
  for (const handle of active.handles) handle.remove();
  if (window.CSS && CSS.highlights) CSS.highlights.delete(HIGHLIGHT);
  active = null;
}

// Called whenever the editing panel changes: handles for an edit form that has sliders.
export function setupResize(form) {
  if (active && active.form === form) return;
  clearResize();
  const text = root();
  const editor = form && form.querySelector("[data-span-edit]");
  if (!text || !editor) return;
  const chars = bodyChars(blocks(text));
  const start = Number(form.elements.start.value || editor.dataset.start);
  const end = Number(form.elements.end.value || editor.dataset.end);
  active = { form, root: text, chars, start, end, handles: [makeHandle("start"), makeHandle("end")] };
  // A selection left in the text would be extended by Shift+arrows meant for the sliders.
  window.getSelection()?.removeAllRanges();
  for (const slider of form.querySelectorAll("[data-edge]")) slider.setAttribute("aria-valuemax", chars.length);
  // Untouched, the form sends no span: the span stays as stored.
  const untouched = !form.elements.start.value;
  const typed = form.elements.text ? form.elements.text.value : null;
  show();
  if (untouched && typed !== null) form.elements.text.value = typed;
  if (untouched) {
    for (const name of ["start", "end", "exact"]) if (form.elements[name]) form.elements[name].value = "";
  }
}

function move(edge, at) {
  if (edge === "start") active.start = Math.min(at, active.end - 1);
  else active.end = Math.max(at, active.start + 1);
  show();
}

// Capture phase: the arrows move the slider only, never the article's keyboard selection
// (annotate.js listens after this on the same document).
document.addEventListener(
  "keydown",
  (event) => {
    const slider = event.target.closest && event.target.closest("[data-edge]");
    if (!slider || !active || !active.form.contains(slider)) return;
    const direction = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1 }[event.key];
    if (!direction || event.ctrlKey || event.metaKey || event.altKey) return;
    event.preventDefault();
    event.stopPropagation();
    const edge = slider.dataset.edge;
    move(edge, stepEdge(active.chars, active.start, active.end, edge, direction, event.shiftKey));
  },
  true,
);
// Words typed into a suggestion's Quote field decide its span: the handles' one is dropped.
document.addEventListener("input", (event) => {
  if (!active || event.target !== active.form.elements.text) return;
  const form = active.form;
  form.elements.start.value = "";
  form.elements.end.value = "";
  clearResize();
  form.querySelector("[data-span-edit]")?.setAttribute("data-typed", "");
});

let dragging = null;
document.addEventListener("pointerdown", (event) => {
  const handle = event.target.closest && event.target.closest("[data-handle]");
  if (!handle || !active) return;
  event.preventDefault(); // no text selection (and so no new annotation's form) from a drag
  event.stopPropagation();
  dragging = handle.dataset.handle;
  handle.setPointerCapture(event.pointerId);
}, true);
document.addEventListener("pointermove", (event) => {
  if (!dragging || !active) return;
  const caret = document.caretRangeFromPoint ? document.caretRangeFromPoint(event.clientX, event.clientY) : null;
  if (!caret || !active.root.contains(caret.startContainer)) return;
  const at = pointOffset(caret.startContainer, caret.startOffset, active.root, blocks(active.root));
  move(dragging, snapEdge(active.chars, at, dragging, event.altKey));
});
document.addEventListener("pointerup", (event) => {
  if (!dragging) return;
  dragging = null;
  event.stopPropagation();
}, true);
window.addEventListener("resize", () => active && show());
// The form is gone (saved, or swapped away): its handles and highlight go too.
document.body.addEventListener("htmx:afterSettle", () => {
  if (active && !active.form.isConnected) clearResize();
});
