// Draws <canvas data-chart="bar" data-source="ID"> from the JSON in <script id="ID">:
// a list of {label, amount} rows. Chart.js is vendored in core/vendor.
(function () {
  "use strict";
  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.source);
    if (!source || typeof Chart === "undefined") { return; }
    var rows = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: canvas.dataset.chart || "bar",
      data: {
        labels: rows.map(function (r) { return r.label; }),
        datasets: [{ data: rows.map(function (r) { return Number(r.amount); }), backgroundColor: "#2d6d67" }]
      },
      options: { plugins: { legend: { display: false } }, animation: false, responsive: true }
    });
  }
  function init() { document.querySelectorAll("canvas[data-chart]").forEach(draw); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
