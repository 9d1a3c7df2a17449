// Every claim held in the event, whoever holds it, data only: seeded from the claimed
// mentions the API lists and kept current by the journal. The longest-waiting mention
// comes first: the one whose author has waited longest for an answer.

import { type Holder, type Mention, isHolder } from "../feed/types";
import type { JournalEntry } from "../stream/protocol";

export interface TeamClaim {
  mentionId: number;
  holder: Holder;
  fence: number;
  /** When the mention reached Cuedesk (ms): how long its author has waited is counted from it. */
  receivedAt: number | null;
  /** When this holder's claim was first seen (ms), or null when it predates the page. */
  claimedAt: number | null;
  /** "@ana" once the mention is known, else null. */
  handle: string | null;
  text: string | null;
}

const ENDINGS = new Set([
  "mention.released",
  "mention.claim_expired",
  "mention.dismissed",
  "mention.replied",
]);

const parse = (value: string): number | null => {
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : time;
};

export class TeamClaims {
  private claims = new Map<number, TeamClaim>();

  /**
   * @param lookup the mention as the console holds it, to name a claim made after load.
   */
  constructor(
    private readonly lookup: (mentionId: number) => Mention | undefined = () => undefined,
  ) {}

  get size(): number {
    return this.claims.size;
  }

  /** The claimed mentions as they are now (a first load or after a reset): replaces all. */
  reset(mentions: readonly Mention[]): void {
    const previous = this.claims;
    this.claims = new Map();
    for (const mention of mentions) {
      if (mention.state !== "claimed" || !mention.claim) continue;
      const before = previous.get(mention.id);
      const sameHolder = before?.holder.username === mention.claim.holder.username;
      this.claims.set(mention.id, {
        mentionId: mention.id,
        holder: mention.claim.holder,
        fence: mention.claim.fence,
        receivedAt: parse(mention.received_at),
        claimedAt: sameHolder ? before.claimedAt : null,
        handle: `@${mention.author.handle.replace(/^@/u, "")}`,
        text: mention.text,
      });
    }
  }

  /** Applies one journal entry; answers whether the list changed. */
  apply(entry: JournalEntry): boolean {
    const id = entry.data.mention_id;
    if (typeof id !== "number") return false;
    const held = this.claims.get(id);
    const fence = typeof entry.data.fence === "number" ? entry.data.fence : null;
    if (ENDINGS.has(entry.type)) {
      // A late release of an older claim does not end the newer one.
      if (!held || (fence !== null && fence < held.fence)) return false;
      this.claims.delete(id);
      return true;
    }
    if (entry.type !== "mention.claimed" && entry.type !== "mention.renewed") return false;
    const holder = entry.data.holder;
    if (!isHolder(holder) || fence === null || (held && held.fence > fence)) return false;
    const mention = this.lookup(id);
    const sameHolder = held?.holder.username === holder.username;
    this.claims.set(id, {
      mentionId: id,
      holder,
      fence,
      receivedAt: held?.receivedAt ?? (mention ? parse(mention.received_at) : null),
      claimedAt: sameHolder ? held.claimedAt : parse(entry.at),
      handle: held?.handle ?? (mention ? `@${mention.author.handle.replace(/^@/u, "")}` : null),
      text: held?.text ?? mention?.text ?? null,
    });
    return !sameHolder || !held;
  }

  /** Longest waiting first; a claim whose mention is unknown goes last, by id. */
  list(): TeamClaim[] {
    return [...this.claims.values()].sort(
      (a, b) =>
        (a.receivedAt ?? Number.POSITIVE_INFINITY) - (b.receivedAt ?? Number.POSITIVE_INFINITY) ||
        a.mentionId - b.mentionId,
    );
  }
}

/** 75 000 ms → "1:15", 3 725 000 ms → "1:02:05"; a negative wait (skewed clock) is "0:00". */
export function waited(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}
