// The event page: the latest mentions, newest first, kept live from the journal.

import { startJournalFeed } from "./lib/journal-feed.js";
import { renderMention } from "./lib/mention-view.js";
import { startShell } from "./lib/shell.js";
import { formatClock } from "./lib/time.js";

// Enough to read back through a burst; more would only slow the page in a flood.
const MAX_RENDERED = 200;

const feed = document.getElementById("feed");
const empty = document.getElementById("feed-empty");
const statusLine = document.querySelector(".feed-status");
const stateText = document.getElementById("feed-state");
const countText = document.getElementById("feed-count");
const updatedText = document.getElementById("feed-updated");
const nameText = document.getElementById("event-name");
const hashtagList = document.getElementById("event-hashtags");
const statusBadge = document.getElementById("event-status");

const countFormat = new Intl.NumberFormat("en");
const tagsOf = (items) => new Set(items.map((tag) => tag.replace(/^#/, "").toLowerCase()));
let tracked = tagsOf([...hashtagList.querySelectorAll("li")].map((li) => li.textContent));
let pending = [];
let frame = 0;
let newestSeq = 0;
let seen = 0;
let olderExist = false;

function showEvent(event) {
  if (event.name !== undefined) {
    nameText.textContent = event.name;
    document.title = `${event.name} · Cuedesk`;
  }
  if (Array.isArray(event.hashtags)) {
    const items = event.hashtags.map((tag) => {
      const item = document.createElement("li");
      item.textContent = `#${tag}`;
      return item;
    });
    hashtagList.replaceChildren(...items);
    tracked = tagsOf(event.hashtags);
  }
  if (event.status) {
    statusBadge.textContent = event.status;
    statusBadge.className = `status status-${event.status}`;
  }
}

/** Batched per animation frame: a flood of polls costs one layout, not one per mention. */
function flush() {
  frame = 0;
  const fragment = document.createDocumentFragment();
  for (let i = pending.length - 1; i >= 0; i -= 1) {
    fragment.append(renderMention(pending[i], tracked));
  }
  pending = [];
  feed.prepend(fragment);
  while (feed.childElementCount > MAX_RENDERED) feed.lastElementChild.remove();
  empty.hidden = feed.childElementCount > 0;
  feed.setAttribute("aria-busy", "false");
}

function addMentions(mentions, { initial, hasMore }) {
  // Arrival order is seq order, so a high-water mark is all it takes to never show one twice.
  const fresh = mentions.filter((mention) => mention.seq > newestSeq);
  if (fresh.length) newestSeq = fresh[fresh.length - 1].seq;
  if (initial) olderExist = hasMore;
  seen += fresh.length;
  pending.push(...fresh);
  if (pending.length > MAX_RENDERED) pending = pending.slice(-MAX_RENDERED);
  if (!frame) frame = requestAnimationFrame(flush);
}

function showStatus(state) {
  statusLine.dataset.state = state.kind;
  if (state.kind === "live") {
    stateText.textContent = "live";
    countText.textContent = `${countFormat.format(seen)}${olderExist ? "+" : ""} mentions`;
    updatedText.textContent = `last update ${formatClock(new Date())}`;
  } else if (state.kind === "reconnecting") {
    stateText.textContent = "reconnecting…";
    const seconds = Math.max(1, Math.round(state.retryInMs / 1000));
    updatedText.textContent = `${state.message} Retrying in ${seconds} s.`;
  } else {
    stateText.textContent = state.message;
    updatedText.textContent = "";
  }
}

/** j / k (or the arrows) walk the feed, as in most readers. */
feed.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const current = event.target.closest(".mention");
  if (!current) return;
  const forward = event.key === "j" || event.key === "ArrowDown";
  const backward = event.key === "k" || event.key === "ArrowUp";
  if (!forward && !backward) return;
  const target = forward ? current.nextElementSibling : current.previousElementSibling;
  if (target) target.focus();
  event.preventDefault();
});

document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.target.closest("input, textarea, select, [contenteditable], .mention")) return;
  if (event.key === "j" && feed.firstElementChild) {
    feed.firstElementChild.focus();
    event.preventDefault();
  }
});

startShell();
startJournalFeed({
  eventId: Number(feed.dataset.eventId),
  onEvent: showEvent,
  onMentions: addMentions,
  onStatus: showStatus,
});
