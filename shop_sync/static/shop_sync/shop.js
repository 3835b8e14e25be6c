// TikTok Shop pages: Chart.js charts drawn from json_script data (row toggles: js/app.js).
(function () {
  var PALETTE = ["#4338ca", "#0e9384", "#c4320a", "#7839ee", "#ca8504", "#dd2590", "#155eef", "#099250"];

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function draw() {
    if (!window.Chart) return;
    var trend = readJson("trend-data");
    if (trend) {
      var gmvCanvas = document.getElementById("chart-gmv");
      var currencies = Object.keys(trend.gmv);
      new window.Chart(gmvCanvas, {
        type: "line",
        data: {
          labels: trend.labels,
          datasets: currencies.map(function (currency, i) {
            return { label: "GMV " + currency, data: trend.gmv[currency].map(Number), borderColor: PALETTE[i % PALETTE.length], yAxisID: "y" + i, tension: 0.2 };
          }),
        },
        options: {
          maintainAspectRatio: false, animation: false,
          scales: Object.fromEntries(currencies.map(function (currency, i) {
            return ["y" + i, { position: i % 2 ? "right" : "left", beginAtZero: true, title: { display: true, text: currency } }];
          })),
        },
      });
      new window.Chart(document.getElementById("chart-orders"), {
        type: "bar",
        data: { labels: trend.labels, datasets: [{ label: "Orders", data: trend.orders, backgroundColor: PALETTE[0] }] },
        options: { maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } },
      });
    }
    var brands = readJson("brand-data");
    if (brands) {
      document.querySelectorAll("[data-brand-chart]").forEach(function (canvas) {
        var series = brands[canvas.getAttribute("data-brand-chart")];
        new window.Chart(canvas, {
          type: "bar",
          data: {
            labels: series.labels,
            datasets: [
              { label: "This period", data: series.current.map(Number), backgroundColor: PALETTE[0] },
              { label: "Previous period", data: series.previous.map(Number), backgroundColor: "#98a2b3" },
            ],
          },
          options: { maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } },
        });
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
