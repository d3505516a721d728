// Reads an iCalendar feed in the browser with ical.js (vendored, Mozilla) and lists its
// events: <div data-feed-preview="/calendar/feed.ics?...">. A feed that ical.js cannot
// parse shows the parser's message instead.
import ICAL from "../vendor/ical-2.2.1.min.js";

function text(tag, value, className) {
  const node = document.createElement(tag);
  node.textContent = value;
  if (className) { node.className = className; }
  return node;
}

function describe(event) {
  const start = event.startDate;
  const zone = start.isDate ? "" : " " + (start.timezone || (start.zone && start.zone.tzid) || "");
  let when = start.toString().replace("T", " ").slice(0, start.isDate ? 10 : 16) + zone;
  if (event.isRecurring()) {
    when += " · " + event.component.getFirstPropertyValue("rrule").toString();
  }
  return when;
}

async function preview(box) {
  try {
    const response = await fetch(box.dataset.feedPreview, { credentials: "omit" });
    const calendar = new ICAL.Component(ICAL.parse(await response.text()));
    for (const zone of calendar.getAllSubcomponents("vtimezone")) {
      ICAL.TimezoneService.register(zone);
    }
    const events = calendar.getAllSubcomponents("vevent").map((c) => new ICAL.Event(c));
    const list = document.createElement("ol");
    list.className = "feed-preview";
    for (const event of events.slice(0, 50)) {
      const item = document.createElement("li");
      item.dataset.uid = event.uid;
      item.append(text("span", describe(event), "small muted"), document.createTextNode(" "));
      item.append(text("span", event.summary, "summary"));
      const status = event.component.getFirstPropertyValue("status");
      if (status === "CANCELLED") { item.append(text("span", " (CANCELLED)", "small")); }
      list.append(item);
    }
    const head = text("p", events.length + " events · " +
      calendar.getAllSubcomponents("vtimezone").length + " time zones", "small feed-count");
    box.replaceChildren(head, list);
    box.dataset.parsed = String(events.length);
  } catch (error) {
    box.replaceChildren(text("p", "The feed could not be read: " + error.message, "errors"));
    box.dataset.parsed = "error";
  }
}

document.querySelectorAll("[data-feed-preview]").forEach(preview);
