// What the server says this operator holds: read from GET …/claims/mine when the page
// loads (the reply typed last before a reload is back in the composer at once, from this
// browser, while that read is on its way) and again after a reset, whose gap may have hidden
// the end of a claim; and a claim's mention fetched when the feed does not hold it.

import { ApiError } from "../lib/api";
import type { Mention } from "../feed/types";
import { backoffDelay } from "../stream/policy";
import type { TriageApi } from "../triage/api";
import type { LocalDrafts } from "../triage/local-drafts";
import type { MyClaims } from "../triage/my-claims";
import type { ClaimGrant } from "../triage/types";
import { handleOf } from "../triage/words";
import type { Claimed, Composer, Tone } from "./composer";

export interface ClaimsSyncHost {
  readonly api: TriageApi;
  readonly claims: MyClaims;
  readonly drafts: LocalDrafts;
  readonly composer: Composer;
  /** The feed's copy of a mention, the one the journal keeps current. */
  mention(id: number): Mention | undefined;
  /** Opens the composer on a claim held. */
  open(mentionId: number): void;
  /** Whether this console is ending that claim itself right now. */
  ending(mentionId: number): boolean;
  say(message: string, tone?: Tone): void;
  claimsChanged(): void;
}

const reasonOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

export class ClaimsSync {
  /** Whether claims/mine has been read once: a reset reads it again. */
  private loaded = false;

  constructor(private readonly host: ClaimsSyncHost) {}

  /** The claims held when the page loaded, drafts and all; the first opens the composer. */
  async start(): Promise<void> {
    const mine = this.readMine().then((grants) => {
      if (grants) {
        this.loaded = true;
        for (const grant of grants) this.adopt(grant);
        this.host.claimsChanged();
      }
      return grants;
    });
    const typing = this.host.drafts.latestHeld();
    if (typing?.mention) void this.restore(typing.mention, mine);
    if (!(await mine)) return;
    const first = this.host.claims.list()[0];
    if (first && this.host.composer.openId === null) this.host.open(first.mentionId);
  }

  /**
   * After a reset the journal between two positions was never seen, and with it perhaps
   * the end of a claim: what the server says this operator holds is the truth.
   */
  async resync(): Promise<void> {
    if (!this.loaded) return;
    const grants = await this.readMine();
    if (!grants) return;
    const live = new Set(grants.map((grant) => grant.mention.id));
    for (const claim of this.host.claims.list()) {
      if (live.has(claim.mentionId) || this.host.ending(claim.mentionId)) continue;
      this.host.claims.drop(claim.mentionId);
      this.host.composer.claimEnded(
        claim.mentionId,
        "Your claim ended while this console was catching up with the feed.",
      );
    }
    for (const grant of grants) this.adopt(grant);
    this.host.claimsChanged();
  }

  /** A claim's mention the feed does not hold, from the API; answers whether it came. */
  async fetchMention(mentionId: number): Promise<boolean> {
    try {
      const mention = await this.host.api.mention(mentionId);
      const current = this.host.claims.get(mentionId);
      if (!current) return false;
      current.mention ??= mention;
      this.host.claimsChanged();
      return true;
    } catch (error) {
      this.host.say(`Mention ${mentionId} could not be loaded: ${reasonOf(error)}`, "error");
      return false;
    }
  }

  /** The composer on the draft this browser kept, its claim as claims/mine tells it. */
  private async restore(mention: Mention, mine: Promise<ClaimGrant[] | null>): Promise<void> {
    const claimed = mine.then((grants): Claimed => {
      if (!grants) return { refused: "your claims could not be loaded." };
      const claim = this.host.claims.get(mention.id);
      if (claim) return claim;
      const message = `Your claim on ${handleOf(mention)}'s mention ended while the page was away.`;
      this.host.say(message, "error");
      return { refused: message };
    });
    // The feed's row is not selected: that would take the keys away from the composer.
    await this.host.composer.openClaiming(mention, claimed, false);
    this.host.claimsChanged();
  }

  /** GET …/claims/mine, retried with backoff while the server cannot be reached. */
  private async readMine(): Promise<ClaimGrant[] | null> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.host.api.mine();
      } catch (error) {
        if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
          this.host.say(`Your claims could not be loaded: ${reasonOf(error)}`, "error");
          return null;
        }
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt)));
      }
    }
  }

  private adopt(grant: ClaimGrant): void {
    const claim = this.host.claims.grant(grant);
    if (claim) claim.mention = this.host.mention(claim.mentionId) ?? claim.mention;
  }
}
