// GMV Max table: ▶/▼ rows (accounts → campaigns → rooms; htmx loads rooms on first expand), and a
// custom range sent under the seed's names. The column chooser is app.js's.
(function () {
  function setExpanded(button, open) {
    var row = document.getElementById(button.getAttribute("data-expand"));
    if (!row) return;
    if (open) { row.removeAttribute("hidden"); } else { row.setAttribute("hidden", ""); }
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.textContent = open ? "▼" : "▶";
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-expand]");
    if (button) {
      setExpanded(button, button.getAttribute("aria-expanded") !== "true");
      return;
    }
    // A click anywhere on an account or campaign row (not on a control) works its ▶ button.
    var row = event.target.closest && event.target.closest("tr.account-row, tr.campaign-row");
    if (row && !event.target.closest("a, button, input, select, summary")) {
      var toggle = row.querySelector("[data-expand]");
      if (toggle) toggle.click();
    }
  });

  // A custom range goes out under the seed's names (startDate/endDate), as its links and API use.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "gmv-filters") return;
    var custom = form.querySelector("input[name=range][value=custom]");
    if (!custom || !custom.checked) return;
    var start = form.querySelector("#dr-start"), end = form.querySelector("#dr-end");
    if (start && end) { start.name = "startDate"; end.name = "endDate"; custom.disabled = true; }
  });
})();
