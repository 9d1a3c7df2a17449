// Triage's journal entries (docs/triage.md) applied to the mentions a console holds, so that
// every row says who holds it, whether it was answered and how its reply is doing.
//
// Entries arrive in seq order, but a first load or a reset reads mentions as they are *now*
// and then replays the entries after its position, some of which the snapshot already
// reflects. So each rule is safe to apply to a newer state: a claim's fence only grows, and
// replied or dismissed are final.

import { type Mention, FINAL_STATES, isHolder, isNote, isReply } from "../feed/types";
import type { JournalEntry } from "../stream/protocol";

export const TRIAGE_ENTRY_TYPES: ReadonlySet<string> = new Set([
  "mention.claimed",
  "mention.renewed",
  "mention.released",
  "mention.claim_expired",
  "mention.dismissed",
  "mention.replied",
  "mention.tagged",
  "mention.untagged",
  "mention.flagged",
  "mention.unflagged",
  "mention.noted",
  "mention.deleted",
  "mention.edited",
  "reply.sending",
  "reply.published",
  "reply.retrying",
  "reply.failed",
  "reply.requeued",
]);

export const isTriageEntry = (entry: JournalEntry): boolean => TRIAGE_ENTRY_TYPES.has(entry.type);

/** The mention an entry is about: `data.mention_id`, or the reply's for `reply.*`. */
export function mentionIdOf(entry: JournalEntry): number | null {
  const data = entry.data;
  if (typeof data.mention_id === "number") return data.mention_id;
  if (isReply(data.reply)) return data.reply.mention_id;
  return null;
}

const fenceOf = (data: Record<string, unknown>): number | null =>
  typeof data.fence === "number" ? data.fence : null;

/** Applies one entry to its mention; answers whether anything a row shows changed. */
export function applyEntry(mention: Mention, entry: JournalEntry): boolean {
  const data = entry.data;
  const final = FINAL_STATES.has(mention.state);
  switch (entry.type) {
    case "mention.claimed":
    case "mention.renewed": {
      const fence = fenceOf(data);
      if (final || fence === null || !isHolder(data.holder)) return false;
      if (typeof data.lease_until !== "string") return false;
      if (mention.claim && mention.claim.fence > fence) return false; // the snapshot is newer
      // A renewal of a claim this console never saw (it loaded after the claim) is a claim.
      if (entry.type === "mention.renewed" && mention.claim && mention.claim.fence !== fence) {
        return false;
      }
      mention.claim = { holder: data.holder, lease_until: data.lease_until, fence };
      mention.state = "claimed";
      return true;
    }
    case "mention.released":
    case "mention.claim_expired": {
      const fence = fenceOf(data);
      if (!mention.claim || fence === null || mention.claim.fence > fence) return false;
      mention.claim = null;
      if (!final) mention.state = "new";
      return true;
    }
    case "mention.dismissed":
      if (mention.state === "dismissed" && !mention.claim) return false;
      mention.state = "dismissed";
      mention.claim = null;
      return true;
    case "mention.replied":
    case "reply.sending":
    case "reply.published":
    case "reply.retrying":
    case "reply.failed":
    case "reply.requeued": {
      if (!isReply(data.reply)) return false;
      const reply = data.reply;
      // An earlier reply's news must not replace a later reply's.
      if (mention.reply && mention.reply.id > reply.id) return false;
      mention.reply = reply;
      mention.state = "replied";
      mention.claim = null;
      return true;
    }
    case "mention.tagged":
    case "mention.untagged":
      if (!Array.isArray(data.tags)) return false;
      mention.tags = data.tags.filter((tag): tag is string => typeof tag === "string");
      return true;
    case "mention.flagged":
    case "mention.unflagged": {
      const flagged = entry.type === "mention.flagged";
      if (mention.flagged === flagged) return false;
      mention.flagged = flagged;
      return true;
    }
    case "mention.noted": {
      // Each note once, by its id: a reset replays entries the console may have applied.
      if (!isNote(data.note)) return false;
      const note = data.note;
      const notes = mention.notes ?? [];
      if (notes.some((known) => known.id === note.id)) return false;
      mention.notes = [...notes, note];
      return true;
    }
    case "mention.deleted":
      if (typeof data.deleted_at !== "string" || mention.deleted_at) return false;
      mention.deleted_at = data.deleted_at;
      return true;
    case "mention.edited":
      if (typeof data.text !== "string" || typeof data.edited_at !== "string") return false;
      if (mention.edited_at && mention.edited_at > data.edited_at) return false; // older news
      mention.text = data.text;
      mention.edited_at = data.edited_at;
      return true;
    default:
      return false;
  }
}

/**
 * Applies entries to the mentions `find` knows (a mention the console does not hold is
 * ignored: it is off the list and will be read fresh if it ever comes back) and answers
 * the mentions that changed, each once.
 */
export function applyEntries(
  entries: readonly JournalEntry[],
  find: (id: number) => Mention | undefined,
): Mention[] {
  const changed = new Set<Mention>();
  for (const entry of entries) {
    const id = mentionIdOf(entry);
    const mention = id === null ? undefined : find(id);
    if (mention && applyEntry(mention, entry)) changed.add(mention);
  }
  return [...changed];
}
