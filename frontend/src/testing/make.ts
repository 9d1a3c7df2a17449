// Small factories for the unit tests.

import type { Mention } from "../feed/types";
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
