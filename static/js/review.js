// The Needs review panel: a selection in the current text (#review-text) becomes the span
// of the "Select a new span" form the editor last focused (or the first): code-point
// offsets from the blocks' data-start, snapped to whole words as on create (spans.js, shared
// with annotate.js).
// Without this script the form still works: the typed words are found where they stand once.

import { selectedSpan } from "./spans.js";

const text = document.getElementById("review-text");
let active = document.querySelector("[data-review-span]");

function fill() {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || !text.contains(selection.anchorNode)) return;
  const span = selectedSpan(text);
  if (!span || !active) return;
  active.elements.start.value = span.start;
  active.elements.end.value = span.end;
  active.elements.exact.value = span.exact;
}

if (text) {
  document.addEventListener("focusin", (event) => {
    const form = event.target.closest("[data-review-span]");
    if (form) active = form;
  });
  // Typing the words by hand: the offsets of an earlier selection no longer apply.
  document.addEventListener("input", (event) => {
    const form = event.target.closest("[data-review-span]");
    if (form && event.target.matches("[data-review-exact]")) {
      form.elements.start.value = "";
      form.elements.end.value = "";
    }
  });
  // Mouse, keyboard (Shift+arrows) and anything else that selects: one event.
  document.addEventListener("selectionchange", fill);
}
