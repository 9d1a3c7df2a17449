// The event page: the live feed of mentions, its header, filters and keys.

import "../ui/desk.css";
import "../ui/feed.css";
import { LiveFeed } from "../app/live-feed";
import { findDeskElements } from "../app/elements";
import { bindKeys } from "../keyboard/keys";
import { startShell } from "../lib/shell";
import { trackedTags } from "../ui/header";

declare global {
  interface Window {
    /** Present only when the server runs its browser tests (`data-test` on the desk). */
    cuedeskTest?: { dropConnection(): void };
  }
}

const desk = document.querySelector<HTMLElement>(".desk");
if (!desk) throw new Error("The event page has no .desk element.");
const ui = findDeskElements();
const tags = [...ui.hashtags.querySelectorAll("li")].map((item) => item.textContent ?? "");
const feed = new LiveFeed(
  Number(desk.dataset.eventId),
  desk.dataset.username ?? "",
  ui,
  trackedTags(tags),
);

bindKeys(ui.filters.form, ui.list, (command) => {
  switch (command) {
    case "next":
      feed.move(1);
      break;
    case "previous":
      feed.move(-1);
      break;
    case "search":
      ui.filters.search.focus();
      ui.filters.search.select();
      break;
    case "leave-filters":
      feed.focusFeed();
      break;
    case "toggle-pause":
      feed.togglePause();
      break;
    case "deselect":
      feed.deselect();
      break;
  }
});

if (desk.dataset.test !== undefined) {
  window.cuedeskTest = { dropConnection: () => feed.stream.drop() };
}

startShell();
void feed.start();
