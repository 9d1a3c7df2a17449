// The feed's state core, without DOM: journal entries sorted into what the feed takes, and
// applied to a store by the desk's own reducers. The live desk (app/live-feed.ts) runs it
// on the entries the socket delivers, the replay (replay/state.ts) on journal pages: one
// code path, so the replay shows a mention as the live desk showed it.

import type { JournalEntry } from "../stream/protocol";
import { applyEntries, isTriageEntry } from "../triage/apply";
import type { MentionStore } from "./store";
import { type Mention, readMention } from "./types";

export interface SortedEntries {
  /** `mention.received`, read and checked. */
  mentions: Mention[];
  /** Claims, replies, tags…: applied to the mentions held. */
  updates: JournalEntry[];
  /** Everything else (`event.updated`, drafts, cues…), for whoever wants it. */
  others: JournalEntry[];
}

export function sortEntries(entries: readonly JournalEntry[]): SortedEntries {
  const sorted: SortedEntries = { mentions: [], updates: [], others: [] };
  for (const entry of entries) {
    if (entry.type === "mention.received") {
      // The entry's own object: the reducers then change it in place.
      const mention = readMention(entry.data);
      if (mention) sorted.mentions.push(mention);
      else console.warn("skipped a malformed mention at seq", entry.seq);
    } else if (isTriageEntry(entry)) {
      sorted.updates.push(entry);
    } else {
      sorted.others.push(entry);
    }
  }
  return sorted;
}

export interface Applied {
  /** The mentions the store took (ascending by seq). */
  added: Mention[];
  /** The mentions held whose row changed (claimed, answered, tagged…). */
  changed: Mention[];
}

/** Arrivals first, then the triage entries, as the live desk applies a frame's worth. */
export function applyToStore(
  store: MentionStore,
  mentions: readonly Mention[],
  updates: readonly JournalEntry[],
): Applied {
  const added = store.addMany(mentions);
  const changed = applyEntries(updates, (id) => store.get(id));
  return { added, changed };
}
