// What triage adds to a mention's row: who holds it and until when, who is typing a reply,
// whether it was answered or dismissed, what was sent and how it is doing on the network,
// and the flag for the producer, the tags (each with its × to remove it) and the notes.
// Rows are updated in place as entries arrive; a new, unclaimed mention (nearly every row
// in a flood) costs one attribute and no extra nodes.

import { el } from "../lib/dom";
import { formatClock } from "../lib/time";
import type { Mention, MentionNote, Reply } from "../feed/types";
import { httpUrl } from "./highlight";
import { showChanges } from "./mention-changes";

const clockOf = (iso: string | null): string => {
  const date = iso ? new Date(iso) : null;
  return date && !Number.isNaN(date.getTime()) ? formatClock(date) : "";
};

/** The head's claim slot: "Held by Olive · until 21:04:05" or "You hold this · until …". */
function showClaim(article: HTMLElement, mention: Mention, me: string): void {
  const slot = article.querySelector<HTMLElement>(".m-claim");
  if (!slot) return;
  const claim = mention.claim;
  article.classList.toggle("is-held", claim !== null);
  article.classList.toggle("is-mine", claim?.holder.username === me);
  if (!claim) {
    if (slot.firstChild) slot.replaceChildren();
    slot.removeAttribute("title");
    return;
  }
  const who = claim.holder.display_name || claim.holder.username;
  const until = clockOf(claim.lease_until);
  const holder = el(
    "span",
    "m-holder",
    claim.holder.username === me ? "You hold this" : `Held by ${who}`,
  );
  slot.replaceChildren(holder);
  if (until) slot.append(el("span", "m-lease", ` · until ${until}`));
  slot.title = until ? `Claimed by ${who} until ${until}` : `Claimed by ${who}`;
}

function replyStatus(reply: Reply): { text: string; detail: string; tone: string } {
  switch (reply.status) {
    case "queued":
      return { text: "Reply queued", detail: "", tone: "wait" };
    case "sending":
      return { text: "Sending reply…", detail: "", tone: "wait" };
    case "published":
      return {
        text: reply.dry_run ? "Published (dry run)" : "Published",
        detail: reply.dry_run ? "Nothing left this machine: the publisher is in dry-run mode." : "",
        tone: "ok",
      };
    case "retrying": {
      const next = clockOf(reply.next_attempt_at);
      return {
        text: `Retrying: ${reply.last_error ?? "the network refused it"}`,
        detail: next ? `next attempt at ${next}` : "",
        tone: "warn",
      };
    }
    case "failed":
      return {
        text: `Failed: ${reply.last_error ?? "the network refused it"}`,
        detail: "",
        tone: "bad",
      };
    default:
      return { text: `Reply ${reply.status}`, detail: "", tone: "wait" };
  }
}

/** A tag on the row, with the button that removes it (the feed's click handler). */
function tagChip(tag: string, mention: Mention): HTMLElement {
  const chip = el("span", "m-tag-chip");
  const remove = el("button", "m-tag-remove", "×");
  remove.type = "button";
  remove.dataset.untag = tag;
  remove.title = `Remove the tag ${tag}`;
  remove.setAttribute("aria-label", `Remove the tag ${tag} from ${mention.author.handle}`);
  chip.append(el("span", "m-tag-name", tag), remove);
  return chip;
}

/** "📝 2", the notes in its tooltip: they are the team's, never sent to a network. */
function notesBadge(notes: readonly MentionNote[]): HTMLElement {
  const badge = el("span", "m-notes", `📝 ${notes.length}`);
  const label = `${notes.length} internal ${notes.length === 1 ? "note" : "notes"}`;
  badge.setAttribute("role", "img");
  badge.setAttribute("aria-label", label);
  const lines = notes.map((note) => {
    const who = note.author?.display_name || note.author?.username;
    return who ? `${who}: ${note.text}` : note.text;
  });
  badge.title = `${label} (never sent)\n${lines.join("\n")}`;
  return badge;
}

/** The line under the text: answered or dismissed, the reply and how it is doing. */
function showOutcome(article: HTMLElement, mention: Mention, viewer: RowViewer): void {
  let line = article.querySelector<HTMLElement>(".m-outcome");
  const reply = mention.reply;
  const state = mention.state;
  const flagged = mention.flagged;
  const tags = mention.tags;
  const notes = mention.notes ?? [];
  article.classList.toggle("is-flagged", flagged);
  const settled = state === "replied" || state === "dismissed" || reply !== undefined;
  const cannot = !settled && mention.reply_eligibility?.ok === false;
  if (!settled && !flagged && !tags.length && !notes.length && !cannot) {
    line?.remove();
    return;
  }
  if (!line) {
    line = el("p", "m-outcome");
    article.querySelector(".m-body")?.append(line);
  }
  const parts: Node[] = [];
  if (state === "replied") parts.push(el("span", "m-state m-state-replied", "Answered ✓"));
  if (state === "dismissed") parts.push(el("span", "m-state m-state-dismissed", "Dismissed"));
  if (cannot) {
    const reason = mention.reply_eligibility?.reason ?? "";
    const badge = el("span", "m-cannot-answer", "Cannot answer");
    badge.title = reason;
    parts.push(badge, el("span", "m-cannot-answer-reason", ` ${reason}`));
  }
  if (flagged) {
    const flag = el("span", "m-flag", "⚑ Flagged");
    flag.title = "Flagged for the producer: f takes the flag off";
    parts.push(flag);
  }
  for (const tag of tags) parts.push(tagChip(tag, mention));
  if (notes.length) parts.push(notesBadge(notes));
  if (reply) {
    const status = replyStatus(reply);
    const box = el("span", `m-reply m-reply-${status.tone}`);
    box.dataset.status = reply.status;
    box.append(el("span", "m-reply-status", status.text));
    if (status.detail) box.append(el("span", "m-reply-detail", ` · ${status.detail}`));
    const link = reply.external_url ? httpUrl(reply.external_url) : null;
    if (reply.status === "published" && link && !reply.dry_run) {
      const anchor = el("a", "m-reply-link", "open");
      anchor.href = link.href;
      anchor.target = "_blank";
      anchor.rel = "noopener noreferrer nofollow";
      box.append(" · ", anchor);
    }
    // The server sends a failed reply again, or a retrying one without waiting its turn;
    // only for its author or a producer (the server refuses anyone else: 403).
    const mayRetry = viewer.retriesAny || (viewer.me !== "" && reply.author?.username === viewer.me);
    if (mayRetry && (reply.status === "failed" || reply.status === "retrying")) {
      const now = reply.status === "retrying";
      const retry = el("button", "btn btn-quiet m-retry", now ? "Retry now" : "Retry");
      retry.type = "button";
      retry.dataset.retry = String(reply.id);
      retry.setAttribute(
        "aria-label",
        `${now ? "Retry now" : "Retry"} the reply to ${mention.author.handle}`,
      );
      box.append(" ", retry);
      // Attempts that ran out unanswered may have posted: only Retry (same key) is safe.
      const mayHavePosted = reply.last_error?.includes("(gave up after") ?? false;
      if (reply.status === "failed" && !mayHavePosted) {
        const edit = el("button", "btn btn-quiet m-edit-reply", "Edit");
        edit.type = "button";
        edit.dataset.editReply = String(reply.id);
        edit.setAttribute("aria-label", `Edit the reply to ${mention.author.handle} and send it again`);
        box.append(" ", edit);
      }
    }
    box.title = reply.text;
    parts.push(box, sentText(reply));
  }
  line.replaceChildren(...parts);
}

/** What was sent, on a line of its own: the row says how it was answered, not only that. */
function sentText(reply: Reply): HTMLElement {
  const line = el("span", "m-sent");
  const who = reply.author?.display_name || reply.author?.username;
  line.append(el("span", "m-sent-by", who ? `${who}: ` : "Reply: "));
  line.append(el("span", "m-sent-text", reply.text));
  return line;
}

// Rows that have shown something of triage: only they can have anything to clear.
const touched = new WeakSet<HTMLElement>();

/** Who looks at the row: their username, and whether they may retry anyone's reply. */
export interface RowViewer {
  me: string;
  retriesAny: boolean;
}

/** A row seen by no one in particular (the replay): nothing of theirs, no Retry. */
export const NOBODY: RowViewer = { me: "", retriesAny: false };

/** Brings a row's triage parts up to date with its mention. */
export function showTriage(article: HTMLElement, mention: Mention, viewer: RowViewer): void {
  if (article.dataset.state !== mention.state) article.dataset.state = mention.state;
  if (mention.deleted_at || mention.edited_at || article.querySelector(".m-change")) {
    showChanges(article, mention);
  }
  const quiet =
    !mention.claim &&
    !mention.reply &&
    !mention.flagged &&
    !mention.tags.length &&
    !mention.notes?.length &&
    mention.reply_eligibility?.ok !== false;
  // The flood's rows: new, unclaimed, untouched. Nothing to look up.
  if (quiet && mention.state === "new" && !touched.has(article)) return;
  touched.add(article);
  showClaim(article, mention, viewer.me);
  showOutcome(article, mention, viewer);
}

/** Who else is typing a reply to this mention, on its row. */
export function showTyping(article: HTMLElement, names: readonly string[]): void {
  const slot = article.querySelector<HTMLElement>(".m-typing");
  if (!slot) return;
  slot.textContent = names.length
    ? `${names.join(", ")} ${names.length === 1 ? "is" : "are"} typing…`
    : "";
}
