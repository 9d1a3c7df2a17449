// The board: who held which mention, which replies were on their way or just sent, what was
// posted. The same rules as the server's checkpoints (app/replay/board.py): a seek starts
// from a checkpoint's board and this applies the entries after it.

import { type Holder, type Reply, isHolder, isReply } from "../feed/types";
import type { JournalEntry } from "../stream/protocol";

export const RECENT_REPLIES = 10;
export const POSTS_KEPT = 20;
const IN_FLIGHT: ReadonlySet<string> = new Set(["queued", "sending", "retrying"]);

export interface HeldClaim {
  mention_id: number;
  holder: Holder;
  lease_until: string;
  fence: number;
}

/** A post as `post.*` entries carry it (docs: the show-run contract's PostPublic). */
export interface PostInfo {
  id: number;
  network: string;
  text: string;
  status: string;
  cue_id?: number | null;
  published_at?: string | null;
  external_url?: string | null;
}

export interface BoardState {
  claims: HeldClaim[];
  replies: Reply[];
  recent_replies: Reply[];
  posts: PostInfo[];
}

const isPost = (value: unknown): value is PostInfo =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as PostInfo).id === "number" &&
  typeof (value as PostInfo).status === "string";

export class Board {
  private claims = new Map<number, HeldClaim>();
  private replies = new Map<number, Reply>();
  private recent: Reply[] = [];
  private posts = new Map<number, PostInfo>();

  constructor(state?: BoardState) {
    for (const claim of state?.claims ?? []) this.claims.set(claim.mention_id, claim);
    for (const reply of state?.replies ?? []) this.replies.set(reply.id, reply);
    this.recent = [...(state?.recent_replies ?? [])];
    for (const post of state?.posts ?? []) this.posts.set(post.id, post);
  }

  state(): BoardState {
    const byKey = <T>(map: Map<number, T>): T[] =>
      [...map.entries()].sort((a, b) => a[0] - b[0]).map(([, value]) => value);
    return {
      claims: byKey(this.claims),
      replies: byKey(this.replies),
      recent_replies: [...this.recent],
      posts: byKey(this.posts),
    };
  }

  apply(entry: JournalEntry): void {
    const data = entry.data;
    switch (entry.type) {
      case "mention.claimed":
      case "mention.renewed":
        return this.claimed(data);
      case "mention.released":
      case "mention.claim_expired": {
        const held = this.claims.get(data.mention_id as number);
        const fence = typeof data.fence === "number" ? data.fence : -1;
        if (held && held.fence <= fence) this.claims.delete(held.mention_id);
        return;
      }
      case "mention.dismissed":
        this.claims.delete(data.mention_id as number);
        return;
      case "mention.replied":
      case "reply.sending":
      case "reply.published":
      case "reply.retrying":
      case "reply.failed":
      case "reply.requeued":
        return this.reply(data.reply);
      case "post.queued":
      case "post.sending":
      case "post.retrying":
      case "post.published":
      case "post.failed":
        return this.post(data.post);
    }
  }

  private claimed(data: Record<string, unknown>): void {
    const { mention_id: id, fence } = data;
    if (typeof id !== "number" || typeof fence !== "number") return;
    const held = this.claims.get(id);
    if (held && held.fence > fence) return;
    this.claims.set(id, {
      mention_id: id,
      holder: (isHolder(data.holder) ? data.holder : null) as Holder,
      lease_until: data.lease_until as string,
      fence,
    });
  }

  private reply(reply: unknown): void {
    if (!isReply(reply)) return;
    this.claims.delete(reply.mention_id);
    this.recent = this.recent.filter((known) => known.id !== reply.id);
    if (IN_FLIGHT.has(reply.status)) {
      this.replies.set(reply.id, reply);
      return;
    }
    this.replies.delete(reply.id);
    this.recent = [...this.recent, reply].slice(-RECENT_REPLIES);
  }

  private post(post: unknown): void {
    if (!isPost(post)) return;
    this.posts.set(post.id, post);
    if (this.posts.size > POSTS_KEPT) this.posts.delete(Math.min(...this.posts.keys()));
  }
}
