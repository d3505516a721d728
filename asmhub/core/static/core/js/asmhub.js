// Small progressive enhancements; every page works without them.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit")) {
    target.form.requestSubmit();
  }
});

// The CSRF token is read from its cookie, never written into the page: pages for visitors
// who are not signed in are shared from a cache and carry nothing of one visitor. htmx
// sends it as a header; a form marked data-csrf-from-cookie gets it as a field, after
// asking the site for the cookie when this browser has none yet.
(function () {
  function token() {
    const found = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return found ? decodeURIComponent(found[1]) : "";
  }
  function ensure() {
    if (token()) { return Promise.resolve(token()); }
    const url = document.body.dataset.csrfUrl || "/csrf/";
    return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(() => token());
  }
  document.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.verb !== "get") { event.detail.headers["X-CSRFToken"] = token(); }
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const field = form instanceof HTMLFormElement && form.querySelector("input[data-csrf-from-cookie]");
    if (!field) { return; }
    if (token()) { field.value = token(); return; }
    event.preventDefault();
    ensure().then((value) => { field.value = value; form.submit(); });
  }, true);
  function init() {
    if (!token() && document.querySelector("[hx-post], [hx-put], [hx-patch], [hx-delete]")) { ensure(); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();

// The menu button of narrow screens: shown only with JavaScript, so that without it the
// menu stays open; it folds the menu away and says so with aria-expanded.
(function () {
  function init() {
    const header = document.querySelector(".site-header");
    const toggle = header && header.querySelector(".nav-toggle");
    if (!toggle) { return; }
    toggle.hidden = false;
    header.dataset.menu = "closed";
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      header.dataset.menu = open ? "open" : "closed";
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        toggle.click();
        toggle.focus();
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();

// Filters on narrow screens: folded into their drawer so that the results come first;
// the drawer keeps the state the reader gave it when htmx replaces the results.
(function () {
  const narrow = window.matchMedia("(max-width: 52rem)");
  let wanted = null; // null until the reader opens or closes a drawer
  function fold(root) {
    if (!narrow.matches) { return; }
    root.querySelectorAll("details[data-drawer]").forEach((drawer) => {
      drawer.open = wanted === true;
    });
  }
  document.addEventListener("click", (event) => {
    const summary = event.target instanceof Element && event.target.closest("details[data-drawer] > summary");
    if (summary) { wanted = !summary.parentElement.open; }
  });
  document.addEventListener("htmx:afterSwap", (event) => { fold(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => { fold(document); });
  } else { fold(document); }
})();

// Long multiple selects (countries: about 250 options) get a box above them that narrows
// the list as one types; what is chosen stays chosen, and is counted beside the box.
(function () {
  const LONG = 30;
  function labelOf(select) {
    const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
    return label ? label.textContent.trim() : (select.getAttribute("aria-label") || select.name);
  }
  function enhance(select) {
    if (select.dataset.searchable === "done" || select.options.length < LONG) { return; }
    select.dataset.searchable = "done";
    const box = document.createElement("div");
    box.className = "select-filter";
    const input = document.createElement("input");
    input.type = "search";
    input.autocomplete = "off";
    input.setAttribute("aria-label", `${document.body.dataset.filterLabel || "Filter the list"}: ${labelOf(select)}`);
    input.placeholder = document.body.dataset.filterHint || "";
    input.setAttribute("aria-controls", select.id || "");
    const chosen = document.createElement("span");
    chosen.className = "select-chosen small muted";
    chosen.setAttribute("aria-live", "polite");
    const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    function count() {
      const names = Array.from(select.selectedOptions).map((o) => o.textContent.trim());
      chosen.textContent = names.join(", ");
    }
    input.addEventListener("input", () => {
      const words = fold(input.value.trim());
      Array.from(select.options).forEach((option) => {
        option.hidden = Boolean(words) && !option.selected && !fold(option.textContent).includes(words);
      });
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { // choose the first option shown, not submit the form
        event.preventDefault();
        const first = Array.from(select.options).find((o) => !o.hidden && !o.selected);
        if (first) { first.selected = true; select.dispatchEvent(new Event("change", { bubbles: true })); }
      }
    });
    select.addEventListener("change", count);
    box.append(input, chosen);
    select.before(box);
    count();
  }
  function init(root) { root.querySelectorAll("select[multiple]").forEach(enhance); }
  document.addEventListener("htmx:afterSwap", (event) => { init(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => { init(document); });
  } else { init(document); }
})();
