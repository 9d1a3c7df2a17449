// The queue: the mentions waiting for an answer, in the order "claim next" takes them
// (highest priority first, then oldest; a flood group once, by its head), and which row
// keeps the selection when the one selected leaves it. Data only, no DOM.

import { type FeedRow, rowOf } from "./groups";
import type { Mention } from "./types";

/** "live": newest first, as they arrive; "queue": waiting ones, highest priority first. */
export type FeedMode = "live" | "queue";

export const isWaiting = (mention: Mention): boolean => mention.state === "new";

/** The server's `sort=priority`: higher priority first, and among equals the older (seq). */
export function byPriority(a: Mention, b: Mention): number {
  return b.priority - a.priority || a.seq - b.seq;
}

/**
 * The queue as "claim next" takes it, one row per flood group: up to `limit` waiting heads
 * and mentions alone that pass `keep`, in queue order, each with the members held that pass
 * `keep` (its count and badge, as in the Live list). A member is never a row of its own:
 * its head stands for it, waiting, held or answered (docs/floods.md).
 */
export function queueRows(
  mentions: Iterable<Mention>,
  keep: (mention: Mention) => boolean,
  limit: number,
): FeedRow[] {
  const waiting: Mention[] = [];
  const membersOf = new Map<number, Mention[]>();
  for (const mention of mentions) {
    if (!keep(mention)) continue;
    const group = mention.cluster_id;
    if (group == null) {
      if (isWaiting(mention)) waiting.push(mention);
    } else {
      const members = membersOf.get(group);
      if (members) members.push(mention);
      else membersOf.set(group, [mention]);
    }
  }
  return waiting
    .sort(byPriority)
    .slice(0, limit)
    .map((head) => {
      const members = membersOf.get(head.id);
      return rowOf(head, members ? [head, ...members].sort(newestFirst) : [head]);
    });
}

const newestFirst = (a: Mention, b: Mention): number => b.seq - a.seq;

/**
 * Which mention the selection goes to when the list changes from `before` to `after` (ids,
 * top to bottom): the same one while it is there; otherwise the first of those below it
 * that stayed (the row that slides into its place), else the one now at its index, else
 * the last; null when nothing was selected or nothing is left.
 */
export function heirOf(
  before: readonly number[],
  after: readonly number[],
  selected: number | null,
): number | null {
  if (selected === null || !after.length) return null;
  if (after.includes(selected)) return selected;
  const index = before.indexOf(selected);
  if (index < 0) return null;
  const staying = new Set(after);
  for (const id of before.slice(index + 1)) if (staying.has(id)) return id;
  return after[Math.min(index, after.length - 1)] ?? null;
}

/** The mode this console last used for an event (localStorage; live when unknown). */
export function readMode(storage: Pick<Storage, "getItem"> | null, eventId: number): FeedMode {
  try {
    return storage?.getItem(modeKey(eventId)) === "queue" ? "queue" : "live";
  } catch {
    return "live";
  }
}

export function saveMode(
  storage: Pick<Storage, "setItem"> | null,
  eventId: number,
  mode: FeedMode,
): void {
  try {
    storage?.setItem(modeKey(eventId), mode);
  } catch {
    // Private mode or a full quota: the mode is only not remembered.
  }
}

const modeKey = (eventId: number): string => `cuedesk.feed-mode.${eventId}`;
