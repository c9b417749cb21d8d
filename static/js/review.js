// The Needs review panel: a selection in the current text (#review-text) becomes the span
// of the "Select a new span" form the editor last focused (or the first): code-point
// offsets from the blocks' data-start, snapped to whole words as on create (annotate.js).
// Without this script the form still works: the typed words are found where they stand once.

const WORD = /[\p{L}\p{N}\p{M}_]/u;
const JOINERS = new Set(["'", "\u2019", "-", "\u2010"]);
const SPACE = /\s/u;

const text = document.getElementById("review-text");
let active = document.querySelector("[data-review-span]");

function offsetOf(node, offset) {
  const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
  const block = element && element.closest("[data-start]");
  if (!block || !text.contains(block)) return null;
  const range = document.createRange();
  range.setStart(block, 0);
  range.setEnd(node, offset);
  return Number(block.dataset.start) + [...range.toString()].length;
}

function bodyChars() {
  const chars = [];
  for (const block of text.querySelectorAll("[data-start]")) {
    const start = Number(block.dataset.start);
    while (chars.length < start) chars.push("\n");
    chars.splice(start, 0, ...block.textContent);
  }
  return chars;
}

function isWordAt(chars, i) {
  const c = chars[i];
  if (c === undefined) return false;
  if (WORD.test(c)) return true;
  return JOINERS.has(c) && WORD.test(chars[i - 1] || "") && WORD.test(chars[i + 1] || "");
}

function selectedSpan() {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  let start = offsetOf(range.startContainer, range.startOffset);
  let end = offsetOf(range.endContainer, range.endOffset);
  if (start === null || end === null) return null;
  const chars = bodyChars();
  while (start < end && SPACE.test(chars[start])) start++;
  while (end > start && SPACE.test(chars[end - 1])) end--;
  if (start >= end) return null;
  while (start > 0 && isWordAt(chars, start) && isWordAt(chars, start - 1)) start--;
  while (end < chars.length && isWordAt(chars, end - 1) && isWordAt(chars, end)) end++;
  return { start, end, exact: chars.slice(start, end).join("") };
}

function fill() {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || !text.contains(selection.anchorNode)) return;
  const span = selectedSpan();
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
