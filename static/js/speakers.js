// Speakers page (editors). A refused rename or merge (422: a name taken, an unknown speaker,
// a merge into itself, a speaker gone meanwhile) answers with its row and the message;
// htmx 2 swaps no error answer by default, so the row is swapped in here and the message
// is seen and read out (role=alert).
(() => {
  "use strict";
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (event.detail.xhr.status === 422 && target.closest?.("#speaker-table")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
