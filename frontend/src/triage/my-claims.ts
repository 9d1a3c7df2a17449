// The claims this operator holds in the event: from GET …/claims/mine at load, from each
// grant this console receives, and from the journal (a claim made on another console of
// theirs, a renewal, a lease that ran out, a producer taking one over).

import { type Holder, type Mention, isHolder, isReply } from "../feed/types";
import type { JournalEntry } from "../stream/protocol";
import type { ClaimGrant } from "./types";

export interface HeldClaim {
  mentionId: number;
  fence: number;
  /** The lease end, in milliseconds since the epoch (the server's clock). */
  leaseUntil: number;
  /** The draft the server keeps with the claim, as last known. */
  draft: string | null;
  /** Null until it is known: a claim made elsewhere names only the mention's id. */
  mention: Mention | null;
}

/** Why a claim this operator held is no longer theirs. */
export type ClaimEnd =
  | "released"
  | "expired"
  | "taken-over"
  | "dismissed"
  | "replied";

export type ClaimChange =
  | { kind: "gained"; claim: HeldClaim }
  | { kind: "renewed"; claim: HeldClaim }
  | { kind: "ended"; claim: HeldClaim; why: ClaimEnd; by: Holder | null };

const fenceOf = (entry: JournalEntry): number | null =>
  typeof entry.data.fence === "number" ? entry.data.fence : null;

export class MyClaims {
  private held = new Map<number, HeldClaim>();
  /**
   * The fence of each claim that ended, by mention: news of it that comes late (a renewal
   * answered after the reply, its journal entry after the HTTP answer) must not bring it back.
   */
  private ended = new Map<number, number>();

  constructor(private readonly me: string) {}

  get size(): number {
    return this.held.size;
  }

  get(mentionId: number): HeldClaim | undefined {
    return this.held.get(mentionId);
  }

  /** Soonest lease end first: the one about to run out is the one to look at. */
  list(): HeldClaim[] {
    return [...this.held.values()].sort(
      (a, b) => a.leaseUntil - b.leaseUntil || a.mentionId - b.mentionId,
    );
  }

  /** A grant from claim, claim next, renew or claims/mine; null if that claim has ended. */
  grant(grant: ClaimGrant): HeldClaim | null {
    if (this.isOver(grant.mention.id, grant.fence)) return null;
    const previous = this.held.get(grant.mention.id);
    const claim: HeldClaim = {
      mentionId: grant.mention.id,
      fence: grant.fence,
      leaseUntil: Date.parse(grant.lease_until),
      draft: grant.draft,
      mention: grant.mention,
    };
    // A grant answered after the journal moved past it (renewed by a later fence) is stale.
    if (previous && previous.fence > claim.fence) return previous;
    this.held.set(claim.mentionId, claim);
    return claim;
  }

  /** Forget a claim this console ended itself (a release, a reply, a dismissal). */
  drop(mentionId: number): void {
    const held = this.held.get(mentionId);
    if (held) this.end(held);
  }

  private end(claim: HeldClaim): void {
    this.held.delete(claim.mentionId);
    this.ended.set(claim.mentionId, Math.max(claim.fence, this.ended.get(claim.mentionId) ?? 0));
  }

  private isOver(mentionId: number, fence: number): boolean {
    return fence <= (this.ended.get(mentionId) ?? 0);
  }

  /** Applies one journal entry; answers what it changed for this operator, if anything. */
  apply(entry: JournalEntry): ClaimChange | null {
    const id = typeof entry.data.mention_id === "number" ? entry.data.mention_id : null;
    if (entry.type.startsWith("reply.")) return null; // the claim ended at mention.replied
    if (id === null) return null;
    const held = this.held.get(id);
    const fence = fenceOf(entry);
    switch (entry.type) {
      case "mention.claimed":
      case "mention.renewed": {
        const holder = entry.data.holder;
        if (!isHolder(holder) || fence === null || typeof entry.data.lease_until !== "string") {
          return null;
        }
        if ((held && held.fence > fence) || this.isOver(id, fence)) return null;
        if (holder.username !== this.me) {
          if (!held) return null;
          this.end(held);
          return { kind: "ended", claim: held, why: "taken-over", by: holder };
        }
        const claim: HeldClaim = {
          mentionId: id,
          fence,
          leaseUntil: Date.parse(entry.data.lease_until),
          draft: held && held.fence === fence ? held.draft : null,
          mention: held?.mention ?? null,
        };
        this.held.set(id, claim);
        return { kind: held && held.fence === fence ? "renewed" : "gained", claim };
      }
      case "mention.released":
      case "mention.claim_expired":
        if (!held || fence === null || held.fence > fence) return null;
        this.end(held);
        return {
          kind: "ended",
          claim: held,
          why: entry.type === "mention.released" ? "released" : "expired",
          by: null,
        };
      case "mention.dismissed":
      case "mention.replied": {
        if (!held) return null;
        this.end(held);
        const reply = entry.data.reply;
        const author = isReply(reply) ? reply.author : null;
        return {
          kind: "ended",
          claim: held,
          why: entry.type === "mention.dismissed" ? "dismissed" : "replied",
          by: author ?? (entry.actor ? { username: entry.actor, display_name: entry.actor } : null),
        };
      }
      default:
        return null;
    }
  }
}
