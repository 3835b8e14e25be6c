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

// --- Navigation: the Menu button (narrow screens) and the group menus (wide screens). ----------
document.addEventListener("click", function (event) {
  var toggle = event.target.closest && event.target.closest("#nav-toggle");
  if (toggle) {
    var open = document.body.classList.toggle("nav-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    return;
  }
  var group = event.target.closest && event.target.closest(".nav-group-toggle");
  document.querySelectorAll(".nav-group-toggle[aria-expanded=true]").forEach(function (other) {
    if (other !== group) other.setAttribute("aria-expanded", "false");
  });
  if (group) {
    group.setAttribute("aria-expanded", group.getAttribute("aria-expanded") === "true" ? "false" : "true");
  }
  // A click outside an open disclosure (date range, column chooser) closes it.
  document.querySelectorAll("details.daterange[open], details.column-chooser[open], details.popover[open]").forEach(function (details) {
    if (!details.contains(event.target)) details.removeAttribute("open");
  });
});

document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  document.querySelectorAll(".nav-group-toggle[aria-expanded=true]").forEach(function (button) {
    button.setAttribute("aria-expanded", "false");
    button.focus();
  });
  document.querySelectorAll("details.daterange[open], details.column-chooser[open], details.popover[open]").forEach(function (details) {
    details.removeAttribute("open");
  });
});

// --- Copy buttons: <button data-copy="value">. -------------------------------------------------
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-copy]");
  if (!button) return;
  var value = button.getAttribute("data-copy");
  var done = function () {
    button.classList.add("copied");
    button.textContent = "Copied";
    setTimeout(function () { button.classList.remove("copied"); button.textContent = "Copy"; }, 1500);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(value).then(done);
  } else {
    var area = document.createElement("textarea");
    area.value = value;
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
    done();
  }
});

// --- Column chooser: hides cells with data-col=KEY in the table named by data-table; the choice
// is remembered per table in this browser. ---------------------------------------------------
function applyColumns(chooser) {
  var tableId = chooser.getAttribute("data-table");
  var table = document.getElementById(tableId) || document.querySelector("[data-table-id='" + tableId + "']");
  if (!table) return;
  chooser.querySelectorAll("input[data-column]").forEach(function (box) {
    var key = box.getAttribute("data-column");
    table.querySelectorAll("[data-col='" + key + "']").forEach(function (cell) {
      if (box.checked) { cell.removeAttribute("hidden"); } else { cell.setAttribute("hidden", ""); }
    });
  });
}

function restoreColumns(root) {
  (root || document).querySelectorAll("details.column-chooser").forEach(function (chooser) {
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem("columns:" + chooser.getAttribute("data-table")) || "null"); } catch (error) { saved = null; }
    if (saved) {
      chooser.querySelectorAll("input[data-column]").forEach(function (box) {
        if (box.getAttribute("data-column") in saved) box.checked = saved[box.getAttribute("data-column")];
      });
    }
    applyColumns(chooser);
  });
}

document.addEventListener("change", function (event) {
  var box = event.target;
  var chooser = box.closest && box.closest("details.column-chooser");
  if (!chooser || !box.hasAttribute("data-column")) return;
  var choice = {};
  chooser.querySelectorAll("input[data-column]").forEach(function (other) { choice[other.getAttribute("data-column")] = other.checked; });
  try { localStorage.setItem("columns:" + chooser.getAttribute("data-table"), JSON.stringify(choice)); } catch (error) { /* private mode */ }
  applyColumns(chooser);
});

// --- Date range: typing a custom date picks "Custom". --------------------------------------------
document.addEventListener("input", function (event) {
  if (!event.target.hasAttribute || !event.target.hasAttribute("data-custom-date")) return;
  var custom = event.target.form && event.target.form.querySelector("input[name=range][value=custom]");
  if (custom) custom.checked = true;
});

document.addEventListener("DOMContentLoaded", function () { restoreColumns(document); });
// Content htmx swaps in (a nested table's page, rows loaded on demand) follows the choosers on the
// page as well as any that arrived with it.
document.addEventListener("htmx:afterSettle", function (event) {
  restoreColumns(event.target);
  document.querySelectorAll("details.column-chooser").forEach(applyColumns);
});

// A table wrapper that scrolls must be reachable by keyboard (WCAG: scrollable regions are focusable).
function labelScrollRegions(root) {
  (root || document).querySelectorAll(".table-wrap").forEach(function (wrap) {
    if (wrap.hasAttribute("tabindex")) return;
    var table = wrap.querySelector("table");
    var caption = table && (table.getAttribute("aria-label") || (table.caption && table.caption.textContent) || table.id);
    wrap.setAttribute("tabindex", "0");
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", (caption || "Table").replace(/[-_]/g, " "));
  });
}
document.addEventListener("DOMContentLoaded", function () { labelScrollRegions(document); });
document.addEventListener("htmx:afterSettle", function (event) { labelScrollRegions(event.target); });
