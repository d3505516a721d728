// Incidents by year and status: a stacked bar chart from the page's JSON data island.
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("incidents-chart");
    var island = document.getElementById("incidents-data");
    if (!canvas || !island || !window.Chart) return;
    var data = JSON.parse(island.textContent);
    var colours = { "open": "#b3261e", "under-action": "#e8a33d", "resolved": "#2e7d32", "closed": "#8a8a8a" };
    var datasets = Object.keys(data.incidents).map(function (state) {
      return { label: data.labels[state], data: data.incidents[state], backgroundColor: colours[state] || "#666", stack: "incidents" };
    });
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.years, datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
