// The editors' desk. Keys that never misfire: j / ArrowDown and k / ArrowUp move between the
// items of the desk's lists, x chooses (or unchooses) a suggestion for the bulk actions, and
// Enter opens an item (a link: the browser's own Enter). They act only when focus is on an
// item itself, never while an input has focus or just after one was typed into (a burst of
// typing that outlives the field, e.g. across a swap), never with a modifier held.
// After htmx swaps the sections, focus goes where the editor can carry on: the Undo button
// after a bulk action, the first item of the section after paging or an undo. A refused
// filter or bulk action (400, 422) is swapped in with its message, since htmx 2 swaps no
// error answer by default. Without this script the desk works as plain forms and links.

const SECTIONS = "desk-sections";
const TYPING_PAUSE_MS = 1000;

let lastTyped = -Infinity;
let pending = null;

function items() {
  const sections = document.getElementById(SECTIONS);
  return sections ? [...sections.querySelectorAll("[data-desk-item]")] : [];
}

function move(from, step) {
  const all = items();
  const index = all.indexOf(from);
  const next = all[index + step];
  if (next) next.focus();
}

function choose(item) {
  const box = item.closest(".desk-item")?.querySelector("input[type=checkbox]");
  if (box) box.checked = !box.checked;
}

document.addEventListener("input", (event) => {
  if (event.target.matches("input, textarea, select, [contenteditable]")) {
    lastTyped = performance.now();
  }
});

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.isComposing) return;
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const item = event.target;
  if (!(item instanceof Element) || !item.matches("[data-desk-item]")) return;
  if (!item.closest("[data-desk-list]")) return;
  if (performance.now() - lastTyped < TYPING_PAUSE_MS) return;
  if (event.key === "j" || event.key === "ArrowDown") {
    move(item, 1);
  } else if (event.key === "k" || event.key === "ArrowUp") {
    move(item, -1);
  } else if (event.key === "x") {
    choose(item);
  } else {
    return;
  }
  event.preventDefault();
});

document.body.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (event.detail.target.id === SECTIONS && (status === 400 || status === 422)) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

document.body.addEventListener("htmx:beforeRequest", (event) => {
  const source = event.detail.elt;
  if (!(source instanceof Element) || event.detail.target?.id !== SECTIONS) return;
  const section = source.closest(".desk-section");
  if (source.id === "desk-bulk") pending = { kind: "bulk" };
  else if (source.closest("#desk-status")) pending = { kind: "undo" };
  else if (section) pending = { kind: "page", section: section.id };
  else pending = null;
});

document.body.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.target?.id !== SECTIONS || pending === null) return;
  const { kind, section } = pending;
  pending = null;
  let target = null;
  if (kind === "bulk") target = document.querySelector("[data-desk-undo]");
  if (kind === "page") target = document.getElementById(section)?.querySelector("[data-desk-item]");
  if (!target) target = items()[0] || document.getElementById("desk-status");
  if (target) {
    if (!target.matches("a, button, input")) target.setAttribute("tabindex", "-1");
    target.focus();
  }
});
