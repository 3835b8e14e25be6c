// The alert rule form shows only the fields the chosen kind uses (inputs name their kinds in
// data-kinds); hidden fields keep their values and the server ignores what the kind doesn't use.
(function () {
  "use strict";
  var form = document.getElementById("alert-rule-form");
  if (!form) return;
  var kind = form.querySelector("[data-kind-select]");
  function update() {
    form.querySelectorAll("[data-kinds]").forEach(function (input) {
      var wrapper = input.closest(".field");
      var shown = input.getAttribute("data-kinds").split(" ").indexOf(kind.value) !== -1;
      if (wrapper) wrapper.hidden = !shown;
    });
  }
  kind.addEventListener("change", update);
  update();
})();
