// Conversions pages: the deliveries-per-day chart drawn from json_script data
// (expandable event rows: data-row-toggle in js/app.js; htmx loads the deliveries once).
(function () {
  var COLORS = { SENT: "#099250", SKIPPED: "#98a2b3", PENDING: "#155eef", SENDING: "#7839ee", FAILED: "#ca8504", DEAD: "#c4320a" };

  function draw() {
    var node = document.getElementById("delivery-data");
    var canvas = document.getElementById("chart-deliveries");
    if (!node || !canvas || !window.Chart) return;
    var data = JSON.parse(node.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: Object.keys(data.series).map(function (status) {
          return { label: status, data: data.series[status], backgroundColor: COLORS[status] || "#4338ca" };
        }),
      },
      options: { maintainAspectRatio: false, animation: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
