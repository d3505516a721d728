// A site's page: its position on a small map (the ~11 km cell when the position is
// rounded) and two charts from the page's JSON data island: workers per visit, and
// what each visit saw (seen, not seen, no data) of four risks.
(function () {
  "use strict";

  var COLOURS = { seen: "#1d4e4a", absent: "#1d4e4a", unknown: "#9aa5a8", line: "#2d6d67" };
  var HALF_CELL = 0.05; // access.COARSE_DEGREES / 2

  function position() {
    var box = document.getElementById("site-position");
    if (!box || !window.L) { return; }
    var lat = Number(box.dataset.lat), lng = Number(box.dataset.lng);
    var map = window.L.map(box, { scrollWheelZoom: false, attributionControl: Boolean(box.dataset.tiles) });
    if (box.dataset.tiles) {
      window.L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 18 }).addTo(map);
    }
    if (box.dataset.approximate) {
      var cell = window.L.rectangle(
        [[lat - HALF_CELL, lng - HALF_CELL], [lat + HALF_CELL, lng + HALF_CELL]],
        { color: "#c98a1b", weight: 2, fillOpacity: 0.15 }
      ).addTo(map);
      map.fitBounds(cell.getBounds(), { padding: [16, 16] });
    } else {
      var marker = window.L.divIcon({ className: "site-marker q-" + box.dataset.qualification, iconSize: [16, 16], iconAnchor: [8, 8] });
      window.L.marker([lat, lng], { icon: marker, keyboard: false }).addTo(map);
      map.setView([lat, lng], 11);
    }
  }

  function year(value) { return String(Math.floor(value)); }

  function xAxis(points) {
    var xs = points.map(function (p) { return p.x; });
    var min = Math.floor(Math.min.apply(null, xs)), max = Math.floor(Math.max.apply(null, xs)) + 1;
    return { type: "linear", min: min, max: max, ticks: { stepSize: 1, callback: year } };
  }

  function workers(data) {
    var canvas = document.getElementById("workers-chart");
    if (!canvas || !data.workers.length) { if (canvas) { canvas.closest("figure").hidden = true; } return; }
    new window.Chart(canvas, {
      type: "line",
      data: { datasets: [{ label: data.labels.workers, data: data.workers, borderColor: COLOURS.line, backgroundColor: COLOURS.line, tension: 0 }] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        parsing: false,
        scales: { x: xAxis(data.workers), y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { title: function (items) { return items[0].raw.date; } } }
        }
      }
    });
  }

  function risks(data) {
    var canvas = document.getElementById("risks-chart");
    if (!canvas || !data.risks.length) { if (canvas) { canvas.closest("figure").hidden = true; } return; }
    var keys = ["armed_presence", "mercury", "children_under_15", "women"];
    var rows = keys.map(function (k) { return data.labels[k]; });
    function points(state) {
      return data.risks.filter(function (r) {
        return state === "unknown" ? r.value === null : r.value === (state === "seen");
      }).map(function (r) { return { x: r.x, y: data.labels[r.key], date: r.date }; });
    }
    var datasets = ["seen", "absent", "unknown"].map(function (state) {
      return {
        label: data.labels[state], data: points(state),
        backgroundColor: state === "absent" ? "#ffffff" : COLOURS[state], borderColor: COLOURS[state],
        borderWidth: 2, pointRadius: state === "unknown" ? 4 : 6,
        pointStyle: state === "unknown" ? "crossRot" : "circle"
      };
    });
    new window.Chart(canvas, {
      type: "scatter",
      data: { datasets: datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        scales: { x: xAxis(data.risks), y: { type: "category", labels: rows, offset: true } },
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: function (item) { return item.raw.date + ": " + item.raw.y + " (" + item.dataset.label + ")"; } } }
        }
      }
    });
  }

  function charts() {
    var island = document.getElementById("site-chart");
    if (!island || !window.Chart) { return; }
    var data = JSON.parse(island.textContent);
    workers(data);
    risks(data);
  }

  function init() { position(); charts(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
