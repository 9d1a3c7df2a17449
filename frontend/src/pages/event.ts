// The event page: the live feed of mentions, its header, filters and keys, and triage (the
// claims column, the composer, the status line).

import "../ui/desk.css";
import "../ui/feed.css";
import "../ui/triage.css";
import "../desk/columns.css";
import { LiveFeed } from "../app/live-feed";
import { findDeskElements } from "../app/elements";
import { SourceWatch } from "../app/source-watch";
import { TriageDesk } from "../app/triage-desk";
import { findTriageElements } from "../app/triage-elements";
import { mountDesk } from "../desk/mount";
import { bindKeys } from "../keyboard/keys";
import { startShell } from "../lib/shell";
import { mountNumbers } from "../numbers/view";
import { canDirect } from "../showrun/roles";
import { trackedTags } from "../ui/header";
import { startBudgetMeter } from "../accounts/meter";

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
const eventId = Number(desk.dataset.eventId);
const me = desk.dataset.username ?? "";
const role = desk.dataset.role ?? "viewer";
const feed = new LiveFeed(eventId, me, ui, trackedTags(tags), canDirect(role));
const triageUi = findTriageElements();
const triage = new TriageDesk(eventId, me, triageUi, feed, desk.dataset.role);
const columns = mountDesk(eventId, me, role, feed);
const sources = new SourceWatch(eventId, ui.state.parentElement ?? desk, ui.list);
// In the show column: viewers watch the numbers too (the triage side is hidden for them).
const numbers = mountNumbers(document.getElementById("live-numbers") ?? triageUi.side, eventId);
// Each posting account's budget in the header; a reply's fate refreshes it at once.
const refreshBudgets = startBudgetMeter(document.querySelector(".topbar"));
feed.listen({
  onEntries: (entries) => {
    triage.entries(entries);
    columns.entries(entries);
    sources.entries(entries);
    numbers.entries(entries);
    if (entries.some((entry) => entry.type.startsWith("reply."))) void refreshBudgets();
  },
  onRetry: (replyId) => triage.retry(replyId),
  onEditReply: (mention) => triage.editReply(mention),
  onUntag: (mentionId, tag) => triage.annotations.untag(mentionId, tag),
  onSnapshot: () => {
    triage.snapshot();
    columns.snapshot();
    numbers.resync();
  },
  onLive: () => triage.connectionBack(),
  onPresence: (users) => columns.presence(users),
});
window.addEventListener("online", () => triage.connectionBack());

const scopes = {
  filters: ui.filters.form,
  feed: ui.list,
  composer: triageUi.composer.form,
  annotation: triageUi.annotation.form,
};
bindKeys(scopes, (command) => {
  // Triage's keys first: Escape on a mention of one's own releases it rather than deselect.
  if (triage.run(command) || typeof command === "object") return;
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
    case "toggle-queue":
      feed.toggleQueue();
      break;
    case "deselect":
      feed.deselect();
      break;
    case "toggle-group":
      feed.toggleGroup();
      break;
  }
});

if (desk.dataset.test !== undefined) {
  window.cuedeskTest = { dropConnection: () => feed.stream.drop() };
}

startShell();
void feed.start();
void triage.start();
