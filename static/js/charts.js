// Draws every <canvas data-chart="DATA_ID"> from the JSON in <script id="DATA_ID"> (core.charts):
// colours from the stylesheet's --chart-N variables (so dark mode follows), ticks and tooltips
// formatted as money in the chart's currency, counts or percentages, in the page's locale.
(function () {
  function palette() {
    var style = getComputedStyle(document.documentElement);
    return [1, 2, 3, 4, 5, 6].map(function (n) { return style.getPropertyValue("--chart-" + n).trim() || "#4f46e5"; });
  }

  function formatter(kind, currency) {
    var compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 2 });
    var whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
    return function (value, full) {
      if (value === null || value === undefined) return "–";
      if (kind === "percent") return whole.format(value) + "%";
      var text = full ? whole.format(value) : compact.format(value);
      if (kind !== "money" || !currency) return text;
      return /[A-Za-z]$/.test(currency) ? currency + "\u00a0" + text : currency + text;
    };
  }

  function draw(canvas) {
    if (!window.Chart || canvas.dataset.drawn) return;
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    var colours = palette();
    var style = getComputedStyle(document.documentElement);
    var text = style.getPropertyValue("--muted").trim();
    var grid = style.getPropertyValue("--border").trim();
    var stacked = spec.kind === "stacked";
    var yFormat = formatter(spec.yFormat, spec.currencySymbol);
    var y2Format = formatter(spec.y2Format || spec.yFormat, spec.currencySymbol);
    // ISO days read as "5 Nov" in the browser's locale.
    var dayFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
    var labels = spec.labels.map(function (label) {
      return /^\d{4}-\d{2}-\d{2}$/.test(label) ? dayFormat.format(new Date(label + "T00:00:00")) : label;
    });
    var datasets = spec.series.map(function (series, index) {
      var colour = colours[index % colours.length];
      var type = series.kind || (spec.kind === "line" ? "line" : "bar");
      return {
        type: type, label: series.label, data: series.values, yAxisID: series.axis || "y",
        backgroundColor: type === "line" ? colour : colour + "cc", borderColor: colour,
        borderWidth: type === "line" ? 2 : 0, pointRadius: spec.labels.length > 40 ? 0 : 2, tension: .25,
        stack: stacked ? (series.stack || "all") : undefined, order: type === "line" ? 0 : 1
      };
    });
    var scales = {
      x: { stacked: stacked, ticks: { color: text, maxRotation: 0, autoSkip: true }, grid: { display: false } },
      y: { stacked: stacked, beginAtZero: true, ticks: { color: text, callback: function (v) { return yFormat(v); } }, grid: { color: grid } }
    };
    if (spec.series.some(function (s) { return s.axis === "y2"; })) {
      scales.y2 = { position: "right", beginAtZero: true, ticks: { color: text, callback: function (v) { return y2Format(v); } }, grid: { display: false } };
    }
    canvas.dataset.drawn = "1";
    new window.Chart(canvas, {
      data: { labels: labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: "index", intersect: false },
        scales: scales,
        plugins: {
          legend: { labels: { color: text, boxWidth: 12 } },
          tooltip: { callbacks: { label: function (ctx) {
            var f = ctx.dataset.yAxisID === "y2" ? y2Format : yFormat;
            return ctx.dataset.label + ": " + f(ctx.parsed.y, true);
          } } }
        }
      }
    });
  }

  function drawAll(root) { (root || document).querySelectorAll("canvas[data-chart]").forEach(draw); }
  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();
