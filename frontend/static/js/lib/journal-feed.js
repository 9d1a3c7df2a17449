// The event's live tail, read by polling the journal. The websocket client that replaces
// it later keeps this contract: callbacks get mentions in arrival (seq) order.

import { ApiError, getJSON } from "./api.js";

const POLL_MS = 1000;
const MAX_BACKOFF_MS = 30000;
const JOURNAL_PAGE = 1000;
const FIRST_PAGE = 100;

/**
 * @param {object} options
 * @param {number} options.eventId
 * @param {(event: object) => void} options.onEvent the event's fields, first and on each change
 * @param {(mentions: object[], info: {initial: boolean, hasMore: boolean}) => void}
 *   options.onMentions
 * @param {(state: {kind: string, message?: string, retryInMs?: number}) => void} options.onStatus
 */
export function startJournalFeed({ eventId, onEvent, onMentions, onStatus }) {
  const base = `/api/events/${eventId}`;
  let lastSeq = null;
  let failures = 0;
  let stopped = false;

  async function loadFirstPage() {
    // The order matters: fix the position first, then read what came before it. A mention
    // that arrives between the two calls has a seq above it and comes from the journal.
    const event = await getJSON(base);
    const before = event.last_seq + 1;
    const page = await getJSON(`${base}/mentions?limit=${FIRST_PAGE}&before_seq=${before}`);
    lastSeq = event.last_seq;
    onEvent(event);
    onMentions(page.items.slice().reverse(), { initial: true, hasMore: page.has_more });
  }

  async function poll() {
    const page = await getJSON(`${base}/journal?after_seq=${lastSeq}&limit=${JOURNAL_PAGE}`);
    const mentions = [];
    for (const entry of page.entries) {
      if (entry.type === "mention.received") mentions.push(entry.data);
      else if (entry.type === "event.updated") onEvent(entry.data);
      lastSeq = entry.seq;
    }
    if (mentions.length) onMentions(mentions, { initial: false, hasMore: false });
    // A full page means a backlog (after a reconnect, or a flood): read on without waiting.
    return page.entries.length === JOURNAL_PAGE ? 0 : POLL_MS;
  }

  async function step() {
    if (stopped) return;
    let delay;
    try {
      if (lastSeq === null) {
        await loadFirstPage();
        delay = 0;
      } else {
        delay = await poll();
      }
      failures = 0;
      onStatus({ kind: "live" });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        const next = encodeURIComponent(window.location.pathname);
        window.location.assign(`/login?next=${next}`);
        return;
      }
      if (error instanceof ApiError && error.status === 404) {
        stopped = true;
        onStatus({ kind: "gone", message: "This event no longer exists." });
        return;
      }
      failures += 1;
      // Exponential with jitter, so that a room full of consoles does not retry in step.
      const backoff = Math.min(MAX_BACKOFF_MS, POLL_MS * 2 ** (failures - 1));
      delay = backoff / 2 + Math.random() * (backoff / 2);
      onStatus({ kind: "reconnecting", message: error.message, retryInMs: delay });
    }
    if (!stopped) setTimeout(step, delay);
  }

  step();
  return {
    stop() {
      stopped = true;
    },
  };
}
