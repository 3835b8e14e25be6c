// Small page behaviours, kept out of inline attributes so a strict CSP can forbid inline script.
//   <form data-confirm="Revoke this key?">  asks before submitting.
//   <select data-autosubmit>                submits its form when changed (tenant switcher).
//   <button data-row-toggle="ROW_ID">       shows/hides the detail row (orders, events); htmx loads its content once.
//   error fragments (X-Error-Fragment) from htmx requests are swapped in despite their 4xx/5xx status.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  }
});

// Shared by the shop orders and conversion events tables, so it lives here rather than per app.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-row-toggle]");
  if (!button) return;
  var row = document.getElementById(button.getAttribute("data-row-toggle"));
  if (!row) return;
  var open = row.hasAttribute("hidden");
  if (open) { row.removeAttribute("hidden"); } else { row.setAttribute("hidden", ""); }
  button.setAttribute("aria-expanded", open ? "true" : "false");
  button.textContent = open ? "▼" : "▶";
});

// A refused partial (an error fragment, 4xx/5xx) replaces its target like any other partial,
// so the reason shows where the content would have been.
document.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  if (xhr && xhr.getResponseHeader("X-Error-Fragment")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
