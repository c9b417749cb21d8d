// Text selections as spans of an article body, shared by annotate.js (the article page) and
// review.js (the Needs review panel), so both snap a selection the same way.
//
// Each block inside the root carries data-start (its code-point offset into the body); JS
// strings are UTF-16, so lengths are counted in code points ([...text].length), never with
// .length.

const WORD = /[\p{L}\p{N}\p{M}_]/u;
const JOINERS = new Set(["'", "\u2019", "-", "\u2010"]); // inside a word: don't, well-known
const SPACE = /\s/u;

export function blocks(root) {
  return [...root.querySelectorAll("[data-start]")].map((el) => {
    const chars = [...el.textContent];
    const start = Number(el.dataset.start);
    return { el, start, end: start + chars.length, chars };
  });
}

// The body text as code points, rebuilt from the blocks; the separators between blocks are not
// in the DOM, so they read as "\n" (the server compares whitespace loosely for that reason).
export function bodyChars(list) {
  const chars = [];
  for (const block of list) {
    while (chars.length < block.start) chars.push("\n");
    chars.splice(block.start, block.chars.length, ...block.chars);
  }
  return chars;
}

// Code-point offset of a DOM boundary point; points between or around blocks count as the
// start of the next block (or the end of the last one).
export function pointOffset(node, offset, root, list) {
  const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
  const block = element && element.closest("[data-start]");
  if (block && root.contains(block)) {
    const range = document.createRange();
    range.setStart(block, 0);
    range.setEnd(node, offset);
    return Number(block.dataset.start) + [...range.toString()].length;
  }
  for (const b of list) {
    const range = document.createRange();
    range.selectNodeContents(b.el);
    if (range.comparePoint(node, offset) < 0) return b.start;
  }
  return list.length ? list[list.length - 1].end : 0;
}

export function isWordAt(chars, i) {
  const c = chars[i];
  if (c === undefined) return false;
  if (WORD.test(c)) return true;
  return JOINERS.has(c) && WORD.test(chars[i - 1] || "") && WORD.test(chars[i + 1] || "");
}

// Whole words, no surrounding spaces: the way people mean a selection.
export function snap(chars, start, end) {
  while (start < end && SPACE.test(chars[start])) start++;
  while (end > start && SPACE.test(chars[end - 1])) end--;
  if (start >= end) return null;
  while (start > 0 && isWordAt(chars, start) && isWordAt(chars, start - 1)) start--;
  while (end < chars.length && isWordAt(chars, end - 1) && isWordAt(chars, end)) end++;
  return { start, end, exact: chars.slice(start, end).join("") };
}

// The current selection as a snapped span of the body inside `root` ({start, end, exact, rect}),
// or null.
export function selectedSpan(root) {
  const selection = window.getSelection();
  if (!root || !selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!range.intersectsNode(root)) return null;
  const whole = document.createRange();
  whole.selectNodeContents(root);
  const list = blocks(root);
  const starts = range.compareBoundaryPoints(Range.START_TO_START, whole) < 0;
  const ends = range.compareBoundaryPoints(Range.END_TO_END, whole) > 0;
  const start = starts ? 0 : pointOffset(range.startContainer, range.startOffset, root, list);
  const end = ends
    ? list.length
      ? list[list.length - 1].end
      : 0
    : pointOffset(range.endContainer, range.endOffset, root, list);
  const span = snap(bodyChars(list), start, end);
  if (span) span.rect = range.getBoundingClientRect();
  return span;
}

// The DOM point (node, offset) at a code-point offset into the body inside `root`: for
// drawing a span (the pending selection, a span being resized).
export function domPoint(offset, root) {
  const list = blocks(root);
  const block = list.find((b) => offset <= b.end) || list[list.length - 1];
  if (!block) return [root, 0];
  let remaining = Math.max(0, offset - block.start);
  const walker = document.createTreeWalker(block.el, NodeFilter.SHOW_TEXT);
  let last = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const points = [...node.data];
    if (remaining <= points.length) return [node, points.slice(0, remaining).join("").length];
    remaining -= points.length;
    last = node;
  }
  return last ? [last, last.data.length] : [block.el, 0];
}
