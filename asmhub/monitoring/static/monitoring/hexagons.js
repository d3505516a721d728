// The need index on H3 hexagons: one polygon per cell, shaded by its index.
(function () {
  "use strict";
  function colour(score) {
    var stops = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"];
    return stops[Math.min(stops.length - 1, Math.floor(score / 20))];
  }
  function draw() {
    var box = document.getElementById("hexmap");
    var island = document.getElementById("hex-data");
    if (!box || !island || !window.L) return;
    var cells = JSON.parse(island.textContent);
    var map = window.L.map(box);
    if (box.dataset.tiles) {
      window.L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 18 }).addTo(map);
    }
    var layer = window.L.featureGroup().addTo(map);
    cells.forEach(function (cell) {
      window.L.polygon(cell.boundary, { weight: 1, color: "#555", fillColor: colour(cell.score), fillOpacity: 0.7 })
        .bindTooltip(cell.cell + ": " + cell.score + " (" + cell.sites + ")")
        .addTo(layer);
    });
    if (cells.length) { map.fitBounds(layer.getBounds()); } else { map.setView([-2.5, 28], 6); }
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
