// Small factories for the unit tests.

import type { Mention, Reply } from "../feed/types";
import type { JournalEntry } from "../stream/protocol";

type MentionOverrides = Omit<Partial<Mention>, "author"> & { author?: Partial<Mention["author"]> };

export function makeMention(seq: number, overrides: MentionOverrides = {}): Mention {
  const { author, ...rest } = overrides;
  return {
    id: seq + 1000,
    event_id: 1,
    seq,
    network: "x",
    external_id: String(seq),
    author: {
      handle: `fan${seq}`,
      name: `Fan ${seq}`,
      followers: 120,
      verified: false,
      avatar_url: null,
      ...author,
    },
    text: `What a match #${seq}`,
    created_at: "2026-02-08T20:00:00.000Z",
    received_at: "2026-02-08T20:00:00.100Z",
    lang: "en",
    url: null,
    state: "new",
    priority: 0,
    tags: [],
    flagged: false,
    claim: null,
    ...rest,
  };
}

export function mentionEntry(seq: number, overrides: MentionOverrides = {}): JournalEntry {
  const mention = makeMention(seq, overrides);
  return {
    seq,
    type: "mention.received",
    at: mention.received_at,
    actor: null,
    data: { ...mention },
  };
}

/** A journal entry of any other type, e.g. `entry(7, "mention.claimed", {...})`. */
export function entry(seq: number, type: string, data: Record<string, unknown>): JournalEntry {
  return { seq, type, at: "2026-02-08T20:01:00.000Z", actor: "olive", data };
}

export const OLIVE = { username: "olive", display_name: "Olive" };
export const QUINN = { username: "quinn", display_name: "Quinn" };

export function makeReply(mentionId: number, overrides: Partial<Reply> = {}): Reply {
  return {
    id: 7,
    mention_id: mentionId,
    event_id: 1,
    network: "x",
    text: "Thanks!",
    status: "queued",
    attempts: 0,
    last_error: null,
    next_attempt_at: null,
    external_id: null,
    external_url: null,
    dry_run: null,
    author: OLIVE,
    created_at: "2026-02-08T20:01:00.000Z",
    published_at: null,
    ...overrides,
  };
}
