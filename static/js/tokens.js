// API tokens page. No inline handlers (the Content-Security-Policy blocks them, and htmx's
// hx-on needs eval, which base.html turns off): a refused name (422) is swapped in with its
// message, since htmx 2 swaps no error answer by default; the new token's field selects its
// text on focus, ready to copy.
(() => {
  "use strict";
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target.id === "token-panel" && event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("focusin", (event) => {
    if (event.target.id === "new-token-secret") {
      event.target.select();
    }
  });
})();
