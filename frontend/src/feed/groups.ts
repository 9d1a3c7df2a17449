// Flood groups: reposts, quotes and copies of a chant that the server put in one group at
// ingest (`cluster_id`, docs/floods.md) show as one row. Data only, no DOM.

import type { Mention } from "./types";

/** One row of the Live list or the queue: a group of one or more mentions. */
export interface FeedRow {
  /** What the row shows and what triage acts on: the group's first mention when held. */
  mention: Mention;
  /** Every mention of the group held, newest first (the row's own included). */
  members: Mention[];
  /** Distinct authors' handles, first arrival first. */
  authors: string[];
}

/** The group a mention belongs to: its first mention's id. */
export const groupOf = (mention: Mention): number => mention.cluster_id ?? mention.id;

/**
 * `newestFirst` mentions as rows, newest first: one row per group, at the place of its
 * newest member (a flood that goes on stays on top), at most `limit` rows.
 */
export function groupRows(newestFirst: Iterable<Mention>, limit: number): FeedRow[] {
  const rows = new Map<number, Mention[]>();
  for (const mention of newestFirst) {
    const key = groupOf(mention);
    const members = rows.get(key);
    if (members) members.push(mention);
    else if (rows.size < limit) rows.set(key, [mention]);
  }
  const result: FeedRow[] = [];
  for (const [key, members] of rows) {
    const head = members.find((member) => member.id === key) ?? members.at(-1);
    if (head) result.push(rowOf(head, members));
  }
  return result;
}

/** The row of `head` with its group's `members` (newest first, the head included). */
export function rowOf(head: Mention, members: Mention[]): FeedRow {
  const authors: string[] = [];
  const seen = new Set<string>();
  for (let i = members.length - 1; i >= 0; i -= 1) {
    const handle = members[i]?.author.handle ?? "";
    if (!seen.has(handle)) {
      seen.add(handle);
      authors.push(handle);
    }
  }
  return { mention: head, members, authors };
}

/** Whether any of `mentions` joined a group (and so changes a row already drawn). */
export const joinsAGroup = (mentions: readonly Mention[]): boolean =>
  mentions.some((mention) => mention.cluster_id != null);
