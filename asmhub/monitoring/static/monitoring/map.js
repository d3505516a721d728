// The map of mine sites: asks the server for the sites of the tiles in view (at the
// zoom shown, with the filters of the form beside it), which answers with clusters
// counted per cell of the screen and single sites, coloured by qualification. Moving,
// zooming or changing a filter asks again; a filter also updates the address, the
// count and the download links. Without JavaScript the form reloads the page.
(function () {
  "use strict";

  var config, box, form, map, layer, current = "", request = 0;
  var TILE = 256;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function icon(qualification) {
    return window.L.divIcon({
      className: "site-marker q-" + (qualification || "none"),
      iconSize: [14, 14],
      iconAnchor: [7, 7],
      popupAnchor: [0, -6]
    });
  }

  function popup(p) {
    var card = el("div", "site-popup");
    card.appendChild(el("strong", "", p.name));
    card.appendChild(el("div", "muted", p.pcode));
    var minerals = (p.minerals || []).map(function (slug) { return config.minerals[slug] || slug; });
    if (minerals.length) { card.appendChild(el("div", "", minerals.join(", "))); }
    var q = el("div", "");
    q.appendChild(el("span", "swatch q-" + (p.qualification || "none")));
    q.appendChild(document.createTextNode(config.qualifications[p.qualification] || config.text.unqualified));
    card.appendChild(q);
    if (p.approximate) { card.appendChild(el("div", "approximate-note", config.text.approximate)); }
    var link = el("a", "", config.text.open);
    link.href = p.url;
    card.appendChild(el("div", "")).appendChild(link);
    return card;
  }

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) { if (value) { params.append(key, value); } });
    return params.toString();
  }

  function updateLinks(q) {
    document.querySelectorAll("a[data-export]").forEach(function (a) {
      var base = a.dataset.base;
      a.href = q ? base + (base.indexOf("?") < 0 ? "?" : "&") + q : base;
    });
  }

  function clusterIcon(count) {
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    var inner = el("div", "");
    inner.appendChild(el("span", "", String(count)));
    return window.L.divIcon({
      html: inner.outerHTML,
      className: "marker-cluster marker-cluster-" + size,
      iconSize: [40, 40]
    });
  }

  function show(data) {
    var markers = [];
    data.features.forEach(function (f) {
      var c = f.geometry.coordinates, p = f.properties, marker;
      if (p.cluster) {
        marker = window.L.marker([c[1], c[0]], { icon: clusterIcon(p.count), title: String(p.count), alt: String(p.count), keyboard: true });
        marker.on("click", function () { map.setView([c[1], c[0]], Math.min(map.getZoom() + 2, map.getMaxZoom())); });
      } else {
        marker = window.L.marker([c[1], c[0]], { icon: icon(p.qualification), title: p.name, alt: p.name });
        marker.bindPopup(function () { return popup(p); });
      }
      markers.push(marker);
    });
    layer.clearLayers();
    markers.forEach(function (m) { layer.addLayer(m); });
    document.getElementById("site-count").textContent = String(data.count);
    var note = document.getElementById("site-approximate");
    note.querySelector("[data-number]").textContent = String(data.approximate);
    note.hidden = data.approximate === 0;
    box.dataset.loaded = String(data.count);
  }

  // The tiles the window covers at its zoom, as the server takes them: z=6&x=30-35&y=31-34.
  function view() {
    var z = map.getZoom(), bounds = map.getPixelBounds(), last = Math.pow(2, z) - 1;
    function tile(v) { return Math.min(last, Math.max(0, Math.floor(v / TILE))); }
    return "z=" + z + "&x=" + tile(bounds.min.x) + "-" + tile(bounds.max.x - 1) +
      "&y=" + tile(bounds.min.y) + "-" + tile(bounds.max.y - 1);
  }

  function load(q) {
    if (q !== undefined) { current = q; }
    var mine = ++request;
    box.setAttribute("aria-busy", "true");
    fetch(box.dataset.clusters + "?" + view() + (current ? "&" + current : ""), { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) { if (mine === request) { show(data); } })
      .catch(function (error) {
        if (mine !== request) { return; }
        document.getElementById("site-count").textContent = config.text.failed;
        window.console.error(error);
      })
      .finally(function () { if (mine === request) { box.removeAttribute("aria-busy"); } });
  }

  function refresh(event) {
    if (event) { event.preventDefault(); }
    delete box.dataset.focused;
    var q = query();
    window.history.replaceState(null, "", window.location.pathname + (q ? "?" + q : ""));
    updateLinks(q);
    var reset = document.getElementById("map-reset");
    if (reset) { reset.hidden = !q; }
    load(q);
  }

  // Finding a site by name or P-code: asks the server (which answers with what the user
  // may read, flagged positions rounded), lists the sites found and zooms to the chosen one.
  var finder;

  function zoomTo(site, button) {
    document.querySelectorAll("#map-found button").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
    if (site.latitude === null || site.longitude === null) { return; }
    map.setView([site.latitude, site.longitude], site.approximate ? 11 : 14, { animate: false });
    window.L.popup().setLatLng([site.latitude, site.longitude]).setContent(popup(site)).openOn(map);
    box.dataset.focused = String(site.id);
  }

  function listFound(data) {
    var list = document.getElementById("map-found");
    var status = document.getElementById("map-find-status");
    list.textContent = "";
    if (!data.sites.length) {
      status.textContent = config.text.none;
      list.hidden = true;
      return;
    }
    status.textContent = data.total > data.sites.length
      ? config.text.more.replace("%(shown)s", String(data.sites.length)).replace("%(total)s", String(data.total))
      : "";
    data.sites.forEach(function (site) {
      var button = el("button", "", site.name + (site.pcode ? " · " + site.pcode : ""));
      button.type = "button";
      button.title = config.text.show;
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () { zoomTo(site, button); });
      list.appendChild(el("li", "")).appendChild(button);
    });
    list.hidden = false;
    zoomTo(data.sites[0], list.querySelector("button"));
  }

  function find(event) {
    if (event) { event.preventDefault(); }
    var text = document.getElementById("map-site").value.trim();
    if (!text) { return; }
    fetch(finder.dataset.find + "?" + new URLSearchParams({ q: text }).toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(listFound)
      .catch(function (error) {
        document.getElementById("map-find-status").textContent = config.text.failed;
        window.console.error(error);
      });
  }

  function init() {
    box = document.getElementById("site-map");
    form = document.getElementById("map-filters");
    var island = document.getElementById("map-config");
    if (!box || !form || !island || !window.L) { return; }
    config = JSON.parse(island.textContent);
    map = window.L.map(box, { scrollWheelZoom: false, maxZoom: 18 }).setView([-2.5, 28.0], 6);
    if (box.dataset.tiles) {
      window.L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 18 }).addTo(map);
    }
    layer = window.L.layerGroup().addTo(map);
    form.addEventListener("change", refresh);
    form.addEventListener("submit", refresh);
    map.on("moveend", function () { load(); });
    load(box.dataset.query);
    finder = document.getElementById("map-find");
    if (finder) {
      finder.addEventListener("submit", find);
      if (document.getElementById("map-site").value.trim()) { find(); }
    }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
