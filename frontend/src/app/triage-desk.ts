// Triage on the event page: claim, reply, release, dismiss, claim next and (producers)
// take over from the keys, the operator's claims in their column, and the composer; flags,
// tags and notes are app/annotations.ts's. Every action is one HTTP call
// whose outcome every console (this one included) then sees in the journal; a refusal is
// said in the status line, naming who holds the mention, and nothing waits on an answer.

import { ApiError } from "../lib/api";
import type { Mention } from "../feed/types";
import type { Command } from "../keyboard/keys";
import type { JournalEntry } from "../stream/protocol";
import { TriageApi } from "../triage/api";
import { type ClaimChange, MyClaims } from "../triage/my-claims";
import { type Powers, powersOf, refusalFor } from "../triage/roles";
import { LocalDrafts, browserStorage } from "../triage/local-drafts";
import type { ViewReport } from "../triage/typing";
import { claimEndedMessage, claimRefused, handleOf } from "../triage/words";
import { ClaimsView } from "../ui/claims-view";
import { StatusLine } from "../ui/status-line";
import { Annotations } from "./annotations";
import { openReplyEditor } from "./edit-reply";
import { ClaimsSync } from "./claims-sync";
import { type Claimed, Composer, type ComposerHost, type Tone } from "./composer";
import type { TriageElements } from "./triage-elements";

/** What triage needs of the live feed. */
export interface FeedAccess {
  readonly report: ViewReport;
  readonly selectedMention: Mention | null;
  mention(id: number): Mention | undefined;
  /** Selects the mention if it is on the list; answers whether it is. */
  select(id: number): boolean;
  focusFeed(): void;
  refresh(mentions: readonly Mention[]): void;
}

const reasonOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

export class TriageDesk implements ComposerHost {
  readonly api: TriageApi;
  readonly claims: MyClaims;
  readonly drafts: LocalDrafts;
  readonly annotations: Annotations;
  private readonly composer: Composer;
  private readonly sync: ClaimsSync;
  private readonly claimsView: ClaimsView;
  private readonly status: StatusLine;
  /** Claims this console is ending itself (a send, a release, a dismissal) right now. */
  private readonly ends = new Set<number>();
  /** Actions on their way ("claim:42"): a second press does not send a second request. */
  private readonly inFlight = new Set<string>();
  /** Snapshots the feed loaded: the first is the page's load, any later one a reset. */
  private snapshots = 0;
  private readonly powers: Powers;

  /** `role`: a viewer only watches; a producer or an admin may also take a claim over. */
  constructor(
    eventId: number,
    me: string,
    private readonly ui: TriageElements,
    private readonly feed: FeedAccess,
    role = "operator",
  ) {
    this.powers = powersOf(role);
    this.api = new TriageApi(eventId);
    this.claims = new MyClaims(me);
    this.drafts = new LocalDrafts(browserStorage(), me, eventId);
    this.status = new StatusLine(ui.status);
    const say = (message: string, tone?: Tone) => this.say(message, tone);
    this.annotations = new Annotations(ui.annotation, this.api, feed, say);
    this.composer = new Composer(ui.composer, this);
    this.claimsView = new ClaimsView(ui.claims, (id) => this.openClaim(id));
    this.sync = new ClaimsSync({
      api: this.api,
      claims: this.claims,
      drafts: this.drafts,
      composer: this.composer,
      mention: (id) => feed.mention(id),
      open: (id) => this.openClaim(id),
      ending: (id) => this.ends.has(id),
      say,
      claimsChanged: () => this.claimsChanged(),
    });
  }

  get report(): ViewReport {
    return this.feed.report;
  }

  /** The claims this operator held when the page loaded, drafts and all. */
  async start(): Promise<void> {
    if (!this.powers.write) {
      this.ui.side.hidden = true;
      return;
    }
    setInterval(() => this.claimsView.tick(this.api.clock.now()), 1_000);
    this.claimsChanged();
    await this.sync.start();
  }

  /** The browser is online again, or the live socket is back: nothing waits for a timer. */
  connectionBack(): void {
    this.composer.connectionBack();
  }

  run(command: Command): boolean {
    if (typeof command === "object") {
      this.composer.insert(command.slot);
      return true;
    }
    const refusal = refusalFor(command, this.powers);
    if (refusal) this.say(refusal, "error");
    if (refusal || this.annotations.run(command)) return true;
    if (!this.powers.write) return false;
    switch (command) {
      case "claim":
        this.withSelected((mention) => void this.claim(mention));
        return true;
      case "reply":
        this.reply();
        return true;
      case "take-over":
        this.reply(true);
        return true;
      case "claim-next":
        void this.claimNext();
        return true;
      case "dismiss":
        this.withSelected((mention) => void this.dismiss(mention));
        return true;
      case "send":
        void this.composer.send();
        return true;
      case "release":
        void this.composer.release();
        return true;
      case "deselect":
        return this.releaseSelected();
      default:
        return false;
    }
  }

  /** Journal entries, as they arrive (before the feed draws them). */
  entries(entries: readonly JournalEntry[]): void {
    let changed = false;
    for (const entry of entries) {
      if (entry.type.startsWith("saved_reply.")) this.composer.templatesChanged();
      const change = this.claims.apply(entry);
      if (!change) continue;
      changed = true;
      this.noteChange(change);
    }
    if (changed) this.claimsChanged();
  }

  /** A load or reset brought a snapshot (each mention with its reply and how it is doing). */
  snapshot(): void {
    this.snapshots += 1;
    if (this.snapshots > 1 && this.powers.write) void this.sync.resync();
  }

  retry(replyId: number): void {
    const key = `retry:${replyId}`;
    if (this.inFlight.has(key)) return;
    this.inFlight.add(key);
    this.api
      .retry(replyId)
      .then(
        () => this.say("The reply is queued again."),
        (error: unknown) => this.say(`Not retried: ${reasonOf(error)}`, "error"),
      )
      .finally(() => this.inFlight.delete(key));
  }

  /** The reply the network refused, edited and sent again (its author or a producer). */
  editReply(mention: Mention): void {
    const reply = mention.reply;
    if (!reply || reply.status !== "failed") return;
    openReplyEditor(mention.network, reply.text, (text) =>
      this.api.editReply(reply.id, text).then(() => this.say("The edited reply is queued.")),
    );
  }

  // -- ComposerHost -----------------------------------------------------------------------

  say(message: string, tone: Tone = "info"): void {
    this.status.say(message, tone);
  }

  ending(mentionId: number, done: boolean): void {
    if (done) this.ends.delete(mentionId);
    else this.ends.add(mentionId);
  }

  focusFeed(): void {
    this.feed.focusFeed();
  }

  claimsChanged(): void {
    this.claimsView.render(this.claims.list(), this.composer.openId, this.api.clock.now());
  }

  // -- actions ----------------------------------------------------------------------------

  private withSelected(act: (mention: Mention) => void): void {
    const mention = this.feed.selectedMention;
    if (mention) act(mention);
    else this.say("Select a mention first: j and k move through the feed.", "error");
  }

  private async once<T>(key: string, act: () => Promise<T>): Promise<T | undefined> {
    if (this.inFlight.has(key)) return undefined;
    this.inFlight.add(key);
    try {
      return await act();
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** Claims the mention; answers the claim, or why not after saying it. */
  private async claim(mention: Mention, announce = true, takeOver = false): Promise<Claimed> {
    const held = this.claims.get(mention.id);
    if (held) {
      if (announce) this.say(`You already hold ${handleOf(mention)}'s mention: r replies.`);
      return held;
    }
    try {
      const grant = await this.once(`claim:${mention.id}`, () =>
        this.api.claim(mention.id, takeOver),
      );
      if (!grant) return { refused: "a claim on this mention is already on its way." };
      const claim = this.claims.grant(grant);
      if (!claim) return { refused: "that claim has already ended." };
      this.claimsChanged();
      if (announce) this.say(`You hold ${handleOf(mention)}'s mention: r replies, esc releases.`);
      return claim;
    } catch (error) {
      // A 409's detail names the holder and until when; a producer is also told shift+C.
      const refusal = claimRefused(error, this.powers.takeOver && !takeOver);
      this.say(refusal, "error");
      return { refused: refusal };
    }
  }

  /** r, or shift+C with `takeOver`: the composer on the selected mention, claimed first. */
  private reply(takeOver = false): void {
    const mention = this.feed.selectedMention;
    if (!mention) {
      const first = takeOver ? undefined : this.claims.list()[0];
      if (first) this.openClaim(first.mentionId);
      else this.say("Select a mention to reply to: j and k move, or n claims the next.", "error");
      return;
    }
    const held = this.claims.get(mention.id);
    if (held) {
      this.composer.open(held, mention);
      this.claimsChanged();
      return;
    }
    const from = mention.claim?.holder;
    void this.composer.openClaiming(mention, this.claim(mention, false, takeOver)).then((got) => {
      this.claimsChanged();
      const who = from ? ` from ${from.display_name || from.username}` : "";
      if (got && takeOver) this.say(`You took over ${handleOf(mention)}'s mention${who}.`);
    });
  }

  private async claimNext(): Promise<void> {
    if (this.inFlight.has("next")) return;
    const granted = this.once("next", () => this.api.claimNext()).then(
      (grant): Claimed => {
        const claim = grant ? this.claims.grant(grant) : null;
        if (!claim) return { refused: "that claim has already ended." };
        // The feed's own copy, when it has one, is the one the journal keeps current.
        claim.mention = this.feed.mention(claim.mentionId) ?? claim.mention;
        this.feed.select(claim.mentionId);
        return claim;
      },
      (error: unknown): Claimed => {
        this.say(reasonOf(error), "error");
        return { refused: reasonOf(error) };
      },
    );
    await this.composer.openClaiming(null, granted);
    this.claimsChanged();
  }

  private async dismiss(mention: Mention): Promise<void> {
    const key = `dismiss:${mention.id}`;
    if (this.inFlight.has(key)) return;
    const held = this.claims.get(mention.id);
    this.ending(mention.id, false);
    try {
      await this.once(key, () => this.api.dismiss(mention.id, held?.fence ?? null));
      this.drafts.clear(mention.id);
      this.claims.drop(mention.id);
      if (this.composer.openId === mention.id) this.composer.close(false);
      this.claimsChanged();
      this.say(`Dismissed ${handleOf(mention)}'s mention.`);
    } catch (error) {
      this.say(reasonOf(error), "error");
    } finally {
      this.ending(mention.id, true);
    }
  }

  /** Escape on the feed: release the selected mention if it is yours. */
  private releaseSelected(): boolean {
    const mention = this.feed.selectedMention;
    const held = mention ? this.claims.get(mention.id) : undefined;
    if (!mention || !held) return false;
    if (this.composer.openId === mention.id) {
      void this.composer.release();
      return true;
    }
    if (this.inFlight.has(`release:${mention.id}`)) return true;
    this.ending(mention.id, false);
    void this.once(`release:${mention.id}`, () => this.api.release(mention.id, held.fence))
      .then(
        () => {
          this.drafts.clear(mention.id);
          this.claims.drop(mention.id);
          this.claimsChanged();
          this.say(`Released ${handleOf(mention)}'s mention.`);
        },
        (error: unknown) => {
          if (error instanceof ApiError && error.status === 409) {
            this.claims.drop(mention.id);
            this.claimsChanged();
          }
          this.say(`Not released: ${reasonOf(error)}`, "error");
        },
      )
      .finally(() => this.ending(mention.id, true));
    return true;
  }

  private openClaim(mentionId: number): void {
    const claim = this.claims.get(mentionId);
    if (!claim) return;
    this.feed.select(mentionId);
    const mention = this.feed.mention(mentionId) ?? claim.mention;
    if (!mention) {
      void this.sync.fetchMention(mentionId).then((found) => found && this.openClaim(mentionId));
      return;
    }
    this.composer.open(claim, mention);
    this.claimsChanged();
  }

  private noteChange(change: ClaimChange): void {
    const claim = change.claim;
    if (change.kind !== "ended") {
      // Claimed on another console of this operator's: its text comes from the feed, or
      // from the API when the feed no longer holds it.
      claim.mention ??= this.feed.mention(claim.mentionId) ?? null;
      if (!claim.mention) void this.sync.fetchMention(claim.mentionId);
      return;
    }
    if (this.ends.has(claim.mentionId)) return;
    const message = claimEndedMessage(claim.mention, claim.mentionId, change.why, change.by);
    this.composer.claimEnded(claim.mentionId, message);
    // Answered, dismissed or released elsewhere: no text of it is worth keeping any more
    // (the composer still shows it to copy). A claim that ran out or was taken over keeps
    // it, offered again if the operator claims the mention anew.
    const over = change.why !== "expired" && change.why !== "taken-over";
    if (over) this.drafts.clear(claim.mentionId);
    if (this.composer.openId !== claim.mentionId) this.say(message, "error");
  }
}
