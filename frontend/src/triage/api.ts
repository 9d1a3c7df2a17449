// The triage calls of the HTTP API (docs/triage.md), typed, and the server's clock as their
// `Date` headers tell it: lease ends are the server's times, and a laptop whose clock is a
// minute off must not count a lease down a minute wrong.

import { exchange } from "../lib/api";
import { type Mention, type MentionNote, type Reply, readMention } from "../feed/types";
import type { ClaimGrant, MentionTags, MyClaimsAnswer, SavedReply, SavedReplies } from "./types";

// The `Date` header counts whole seconds: an offset under this is rounding, not skew.
const SKEW_FLOOR_MS = 2_000;

export class ServerClock {
  private offset = 0;

  note(serverTime: number | null, localTime = Date.now()): void {
    if (serverTime === null) return;
    const offset = serverTime - localTime;
    this.offset = Math.abs(offset) < SKEW_FLOOR_MS ? 0 : offset;
  }

  /** Now, by the server's clock. */
  now(localTime = Date.now()): number {
    return localTime + this.offset;
  }
}

function readGrant(grant: ClaimGrant): ClaimGrant {
  const mention = readMention(grant.mention);
  if (!mention) throw new Error("The server answered a claim without its mention.");
  return { ...grant, mention, draft: typeof grant.draft === "string" ? grant.draft : null };
}

export class TriageApi {
  readonly clock = new ServerClock();

  constructor(private readonly eventId: number) {}

  private async call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const answer = await exchange<T>(method, url, body);
    this.clock.note(answer.serverTime);
    return answer.data;
  }

  /** `takeOver` (producers and admins): end another holder's live claim and take it. */
  async claim(mentionId: number, takeOver = false): Promise<ClaimGrant> {
    const url = `/api/mentions/${mentionId}/claim`;
    const body = takeOver ? { take_over: true } : undefined;
    return readGrant(await this.call<ClaimGrant>("POST", url, body));
  }

  /** The highest-priority waiting mention; a 404 when none waits. */
  async claimNext(): Promise<ClaimGrant> {
    return readGrant(
      await this.call<ClaimGrant>("POST", `/api/events/${this.eventId}/claims/next`),
    );
  }

  async renew(mentionId: number, fence: number, draft?: string): Promise<ClaimGrant> {
    const body = draft === undefined ? { fence } : { fence, draft };
    return readGrant(
      await this.call<ClaimGrant>("POST", `/api/mentions/${mentionId}/renew`, body),
    );
  }

  release(mentionId: number, fence: number): Promise<Mention> {
    return this.call<Mention>("POST", `/api/mentions/${mentionId}/release`, { fence });
  }

  dismiss(mentionId: number, fence: number | null): Promise<Mention> {
    const body = fence === null ? {} : { fence };
    return this.call<Mention>("POST", `/api/mentions/${mentionId}/dismiss`, body);
  }

  async mine(): Promise<ClaimGrant[]> {
    const answer = await this.call<MyClaimsAnswer>(
      "GET",
      `/api/events/${this.eventId}/claims/mine`,
    );
    return answer.claims.map(readGrant);
  }

  reply(mentionId: number, text: string, fence: number): Promise<Reply> {
    return this.call<Reply>("POST", `/api/mentions/${mentionId}/reply`, { text, fence });
  }

  retry(replyId: number): Promise<Reply> {
    return this.call<Reply>("POST", `/api/replies/${replyId}/retry`);
  }

  /** A failed reply with a new text, sent again. */
  editReply(replyId: number, text: string): Promise<Reply> {
    return this.call<Reply>("POST", `/api/replies/${replyId}/edit`, { text });
  }

  async savedReplies(mentionId: number): Promise<SavedReply[]> {
    const answer = await this.call<SavedReplies>(
      "GET",
      `/api/mentions/${mentionId}/saved-replies`,
    );
    return (answer.saved_replies ?? []).filter(
      (item) => typeof item.text === "string" && typeof item.title === "string",
    );
  }

  /** Flags the mention for the producer (again: changes the reason), or takes the flag off. */
  flag(mentionId: number, flagged: boolean, reason?: string): Promise<Mention> {
    const url = `/api/mentions/${mentionId}/flag`;
    if (!flagged) return this.call<Mention>("DELETE", url);
    return this.call<Mention>("POST", url, reason ? { reason } : {});
  }

  /** Adds a tag (the server normalises it: "#VIP" is "vip"); answers the mention's tags. */
  addTag(mentionId: number, tag: string): Promise<MentionTags> {
    return this.call<MentionTags>("POST", `/api/mentions/${mentionId}/tags`, { tag });
  }

  removeTag(mentionId: number, tag: string): Promise<MentionTags> {
    const url = `/api/mentions/${mentionId}/tags/${encodeURIComponent(tag)}`;
    return this.call<MentionTags>("DELETE", url);
  }

  /** An internal note for the team: it is never sent to a network. */
  addNote(mentionId: number, text: string): Promise<MentionNote> {
    return this.call<MentionNote>("POST", `/api/mentions/${mentionId}/notes`, { text });
  }

  async mention(mentionId: number): Promise<Mention> {
    const mention = readMention(await this.call<unknown>("GET", `/api/mentions/${mentionId}`));
    if (!mention) throw new Error(`Mention ${mentionId} came back in a shape it cannot show.`);
    return mention;
  }
}
