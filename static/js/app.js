// Small page behaviours, kept out of inline attributes so a strict CSP can forbid inline script.
//   <form data-confirm="Revoke this key?">  asks before submitting.
//   <select data-autosubmit>                submits its form when changed (tenant switcher).
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
