// GMV Max table: ▶/▼ rows (accounts → campaigns → rooms; htmx loads rooms on first expand),
// the live-metrics toggle, and the seed's rule that expansions are cleared when the metric,
// the range or "Yesterday" change (and on Fetch, which reloads the page).
(function () {
  function setExpanded(button, open) {
    var row = document.getElementById(button.getAttribute("data-expand"));
    if (!row) return;
    if (open) { row.removeAttribute("hidden"); } else { row.setAttribute("hidden", ""); }
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.textContent = open ? "▼" : "▶";
  }

  function collapseAll() {
    document.querySelectorAll("[data-expand][aria-expanded=true]").forEach(function (button) { setExpanded(button, false); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-expand]");
    if (button) {
      setExpanded(button, button.getAttribute("aria-expanded") !== "true");
      return;
    }
    // A click anywhere on an account or campaign row (not on a link) works its ▶ button.
    var row = event.target.closest && event.target.closest("tr.account-row, tr.campaign-row");
    if (row && !event.target.closest("a, button, input, select")) {
      var toggle = row.querySelector("[data-expand]");
      if (toggle) toggle.click();
      return;
    }
    var yesterday = event.target.closest && event.target.closest("#btn-yesterday");
    if (yesterday) {
      collapseAll();
      var day = yesterday.getAttribute("data-yesterday");
      document.getElementById("f-start").value = day;
      document.getElementById("f-end").value = day;
      var form = document.getElementById("gmv-filters");
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-clears-expansion")) collapseAll();
    if (field.id === "toggle-extra") {
      document.body.classList.toggle("gmv-show-extra", field.checked);
      try { window.localStorage.setItem("gmvmax.extra", field.checked ? "1" : ""); } catch (e) { /* private mode */ }
    }
  });

  document.addEventListener("submit", function (event) {
    if (event.target.id === "gmv-filters") collapseAll();
  });

  function restoreToggle() {
    var toggle = document.getElementById("toggle-extra");
    var on = false;
    try { on = window.localStorage.getItem("gmvmax.extra") === "1"; } catch (e) { on = false; }
    if (toggle) toggle.checked = on;
    document.body.classList.toggle("gmv-show-extra", on && !!toggle);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", restoreToggle);
  } else {
    restoreToggle();
  }
})();
