// One reply being written: the claim it answers (its fence), the draft kept in this browser
// on every keystroke and on the server with the claim, the others told that their colleague
// is typing, and Send and Release. The composer opens the moment r or n is pressed, before
// the claim is granted, so that what the operator types next lands in it and not on the
// feed's keys; a Send pressed meanwhile goes once the claim is granted. A claim that ends
// under the operator (refused, run out, taken over) leaves their text on screen to copy,
// and nothing more can be sent with it.

import { ApiError } from "../lib/api";
import type { Mention } from "../feed/types";
import type { TriageApi } from "../triage/api";
import { DraftSaver } from "../triage/draft-saver";
import { type LocalDrafts, newestDraft } from "../triage/local-drafts";
import type { HeldClaim, MyClaims } from "../triage/my-claims";
import { insertSnippet } from "../triage/templates";
import { TypingTracker, type ViewReport } from "../triage/typing";
import { handleOf } from "../triage/words";
import { type ComposerElements, ComposerView } from "../ui/composer";

export type Tone = "info" | "error";

/** How a claim asked for went: granted, or refused and why. */
export type Claimed = HeldClaim | { refused: string };

const isHeld = (outcome: Claimed): outcome is HeldClaim => "fence" in outcome;

export interface ComposerHost {
  readonly api: TriageApi;
  readonly claims: MyClaims;
  readonly drafts: LocalDrafts;
  readonly report: ViewReport;
  say(message: string, tone?: Tone): void;
  /** This console is ending the claim itself: its journal entry is no news. */
  ending(mentionId: number, done: boolean): void;
  claimsChanged(): void;
  /** The composer closed under the keyboard: back to the feed. */
  focusFeed(): void;
}

interface Session {
  /** Null while "claim next" has not said which mention yet. */
  mention: Mention | null;
  /** Null until the claim is granted. */
  claim: HeldClaim | null;
  saver: DraftSaver;
  /** Typed in since the composer opened: newer than any draft kept anywhere. */
  typedNow: boolean;
  /** Send was pressed before the grant: it goes once the claim is granted. */
  sendQueued: boolean;
  /** Where the draft shown was restored from, said until the next keystroke. */
  note: string;
}

const reasonOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

export class Composer {
  private readonly view: ComposerView;
  private readonly typing: TypingTracker;
  private session: Session | null = null;
  private busy = false;

  constructor(
    ui: ComposerElements,
    private readonly host: ComposerHost,
  ) {
    this.typing = new TypingTracker((typing) => host.report.setTyping(typing));
    this.view = new ComposerView(ui, {
      input: () => {
        if (!this.session || this.view.lost) return;
        this.edited(this.session);
        this.view.setSaveState("");
      },
      send: () => void this.send(),
      release: () => void this.release(),
      insert: (slot) => this.insert(slot),
    });
  }

  /** The mention being answered, or null. */
  get openId(): number | null {
    return this.session?.mention?.id ?? null;
  }

  /** Opens on a claim already held. */
  open(claim: HeldClaim, mention: Mention): void {
    if (this.session?.mention?.id === mention.id && !this.view.lost) {
      if (!this.session.claim) this.granted(this.session, claim);
      else this.view.show(mention, this.view.text);
      return;
    }
    this.granted(this.begin(mention), claim);
  }

  /**
   * Opens at once on `mention` (null: the next one, not known yet) while its claim is on
   * its way; `claiming` says how that went (the caller says a refusal in the status line).
   * A claim granted once the operator has left it is released, unless it was only being
   * looked up (`asked` false: a reload's draft, whose claim was made before).
   */
  async openClaiming(
    mention: Mention | null,
    claiming: Promise<Claimed>,
    asked = true,
  ): Promise<HeldClaim | undefined> {
    const session = this.begin(mention);
    const outcome = await claiming.catch((error: unknown) => ({ refused: reasonOf(error) }));
    if (this.session !== session) {
      // Escape while claiming: the operator wants nothing of it.
      if (isHeld(outcome) && asked) void this.releaseQuietly(outcome);
      return undefined;
    }
    if (!isHeld(outcome)) {
      this.refused(session, outcome.refused);
      return undefined;
    }
    this.granted(session, outcome);
    return outcome;
  }

  /** The connection is back: a draft the server missed goes now. */
  connectionBack(): void {
    this.session?.saver.flush();
  }

  /**
   * Closes the composer. With `flush`, a draft not saved yet is sent on its way first; a
   * claim that was just answered or released has no draft left to keep.
   */
  close(flush = true): void {
    const session = this.session;
    if (!session) return;
    session.saver.stop();
    const claim = session.claim;
    if (flush && claim && !this.view.lost && session.saver.pending) {
      const text = this.view.text;
      this.host.drafts.sent(claim.mentionId, text);
      // Unsaved, it is still kept in this browser: opening the claim again offers it.
      this.host.api.renew(claim.mentionId, claim.fence, text).catch(() => undefined);
    }
    this.session = null;
    this.setBusy(false);
    this.typing.stop();
    const hadFocus = this.view.hasFocus;
    this.view.hide();
    this.host.report.compose(null);
    if (hadFocus) this.host.focusFeed();
  }

  async send(): Promise<void> {
    const session = this.session;
    if (!session || this.busy) return;
    const check = this.view.check();
    if (!check.ok) {
      this.host.say(`Not sent: ${check.reason ?? "the reply cannot be sent"}.`, "error");
      return;
    }
    const claim = session.claim;
    const mention = session.mention;
    if (!claim || !mention) {
      // Pressed before the grant: granted() sends it, refused() keeps the text and says why.
      session.sendQueued = true;
      this.setBusy(true);
      this.view.setSaveState("Sending once the claim is granted…");
      return;
    }
    const text = this.view.text;
    // A renewal landing after the reply would find the claim gone and cry wolf.
    session.saver.stop();
    this.typing.stop();
    this.setBusy(true);
    this.host.ending(claim.mentionId, false);
    try {
      await this.host.api.reply(claim.mentionId, text, claim.fence);
      this.host.drafts.clear(claim.mentionId);
      this.host.claims.drop(claim.mentionId);
      this.host.claimsChanged();
      if (this.session === session) this.close(false);
      this.host.say(`Reply to ${handleOf(mention)} sent to the publisher.`);
    } catch (error) {
      if (this.session !== session) return;
      this.setBusy(false);
      if (error instanceof ApiError && error.status === 409) {
        this.lose(`Not sent: ${error.message}`);
        return;
      }
      session.saver.start(text);
      const retry = error instanceof ApiError && error.status === 422;
      const hint = retry ? "" : " Your text is kept; ctrl+enter tries again.";
      this.host.say(`Not sent: ${reasonOf(error)}${hint}`, "error");
    } finally {
      this.host.ending(claim.mentionId, true);
    }
  }

  /** Gives the mention back to the queue (or, once the claim is gone, just closes). */
  async release(): Promise<void> {
    const session = this.session;
    if (!session || this.busy) return;
    const claim = session.claim;
    if (this.view.lost || !claim) {
      // Escape while claiming drops what was typed with the claim; a lost claim's text stays
      // in this browser, offered again if the operator claims the mention anew.
      if (!claim && !this.view.lost && session.mention) this.host.drafts.clear(session.mention.id);
      this.close(false);
      return;
    }
    session.saver.stop();
    this.setBusy(true);
    this.host.ending(claim.mentionId, false);
    try {
      await this.host.api.release(claim.mentionId, claim.fence);
      const who = session.mention ? `${handleOf(session.mention)}'s mention` : "the mention";
      this.host.say(`Released ${who}.`);
    } catch (error) {
      // 409: it was not ours any more, which is what releasing asked for.
      if (!(error instanceof ApiError && error.status === 409)) {
        if (this.session === session) {
          this.setBusy(false);
          session.saver.start(this.view.text);
        }
        this.host.say(`Not released: ${reasonOf(error)}`, "error");
        return;
      }
    } finally {
      this.host.ending(claim.mentionId, true);
    }
    this.host.drafts.clear(claim.mentionId);
    this.host.claims.drop(claim.mentionId);
    this.host.claimsChanged();
    if (this.session === session) this.close(false);
  }

  /** The journal says the claim on `mentionId` ended, and not by this console's doing. */
  claimEnded(mentionId: number, message: string): void {
    if (this.openId === mentionId && this.session?.claim && !this.view.lost) this.lose(message);
  }

  /** The event's saved replies changed: list them afresh. */
  templatesChanged(): void {
    const id = this.session?.claim?.mentionId;
    if (this.session && id !== undefined) void this.loadTemplates(this.session, id);
  }

  insert(slot: number): void {
    if (!this.session || this.view.lost) return;
    const snippet = this.view.template(slot);
    if (snippet === null) {
      this.host.say(`There is no saved reply ${slot} for this event.`, "error");
      return;
    }
    const [start, end] = this.view.selection;
    const { value, caret } = insertSnippet(this.view.text, start, end, snippet);
    this.view.replaceText(value, caret);
    this.edited(this.session);
  }

  /** A keystroke (or a saved reply put in): kept in this browser at once, then saved. */
  private edited(session: Session): void {
    session.typedNow = true;
    session.note = "";
    this.typing.keystroke();
    const mention = session.mention;
    if (mention) {
      this.host.drafts.typed(mention.id, this.view.text, session.claim?.fence ?? null, mention);
    }
    if (session.claim) session.saver.changed();
  }

  /** A fresh session on `mention`, shown at once, its claim to come. */
  private begin(mention: Mention | null): Session {
    this.close();
    const session: Session = {
      mention,
      claim: null,
      saver: new DraftSaver({
        read: () => this.view.text,
        save: (text) => this.saveDraft(session, text),
      }),
      typedNow: false,
      sendQueued: false,
      note: "",
    };
    this.session = session;
    // What this browser kept: a reload's half-typed reply, or the text of a claim that ended.
    const draft = mention ? (this.host.drafts.get(mention.id)?.text ?? "") : "";
    this.view.show(mention, draft);
    this.view.setPending(true);
    this.host.report.compose(mention?.id ?? null);
    return session;
  }

  private granted(session: Session, claim: HeldClaim): void {
    const mention = claim.mention ?? session.mention;
    if (!mention) return;
    const firstSight = session.mention?.id !== mention.id;
    session.claim = claim;
    session.mention = mention;
    const shown = this.view.text;
    const local = this.host.drafts.get(mention.id);
    const newest = newestDraft(shown || (local?.text ?? ""), claim.draft, local, session.typedNow);
    // Shown afresh (not typed in: that would tell the others this operator is typing).
    if (firstSight || newest.text !== shown) this.view.show(mention, newest.text);
    if (firstSight) this.host.report.compose(mention.id);
    this.view.setPending(false);
    session.note = newest.note;
    this.view.setSaveState(newest.note);
    this.host.drafts.claimed(mention.id, claim.fence, newest.text, mention);
    session.saver.start(claim.draft ?? "");
    void this.loadTemplates(session, mention.id);
    if (session.sendQueued) this.sendOnceGranted(session, newest.text === shown);
    // The server lacks what this browser has (typed while claiming, or before a reload);
    // after a send, which stops the saver, nothing goes.
    session.saver.flush();
  }

  /** Send was pressed while claiming; it goes unless the text changed under the operator. */
  private sendOnceGranted(session: Session, unchanged: boolean): void {
    session.sendQueued = false;
    this.setBusy(false);
    if (unchanged) void this.send();
    else this.host.say("Not sent: the server had a newer draft. Read it, then send.", "error");
  }

  /** The claim was refused: the status line says why; typed text is kept to copy. */
  private refused(session: Session, reason: string): void {
    const queued = session.sendQueued;
    session.sendQueued = false;
    this.setBusy(false);
    if (!this.view.text.trim()) {
      this.close(false);
      return;
    }
    this.lose(`${queued ? "Not sent" : "Not claimed"}: ${reason}`, false);
  }

  private lose(message: string, announce = true): void {
    const session = this.session;
    if (!session) return;
    session.saver.stop();
    this.typing.stop();
    if (session.mention) this.host.drafts.ended(session.mention.id);
    if (session.claim) this.host.claims.drop(session.claim.mentionId);
    this.host.claimsChanged();
    this.view.showLost(message);
    if (announce) this.host.say(message, "error");
  }

  private async releaseQuietly(claim: HeldClaim): Promise<void> {
    this.host.ending(claim.mentionId, false);
    try {
      await this.host.api.release(claim.mentionId, claim.fence);
      this.host.claims.drop(claim.mentionId);
      this.host.claimsChanged();
    } catch {
      // Still in My claims, where the operator can release it.
    } finally {
      this.host.ending(claim.mentionId, true);
    }
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    this.view.setBusy(busy);
  }

  private async saveDraft(session: Session, text: string): Promise<void> {
    const claim = session.claim;
    if (!claim) return;
    if (this.session === session) this.view.setSaveState("Saving…");
    this.host.drafts.sent(claim.mentionId, text);
    try {
      const grant = await this.host.api.renew(claim.mentionId, claim.fence, text);
      // Closed meanwhile (sent, released): the claim is over, whatever this answer says.
      if (this.session !== session) return;
      session.claim = this.host.claims.grant(grant) ?? session.claim;
      this.host.claimsChanged();
      if (this.view.text === text) this.view.setSaveState(session.note || "Draft saved");
    } catch (error) {
      if (this.session !== session) throw error;
      if (error instanceof ApiError && error.status === 409) {
        this.lose(`Your claim ended: ${error.message}`);
      } else {
        this.view.setSaveState(`Draft not saved: ${reasonOf(error)}`);
      }
      throw error;
    }
  }

  private async loadTemplates(session: Session, mentionId: number): Promise<void> {
    try {
      const templates = await this.host.api.savedReplies(mentionId);
      if (this.session === session) this.view.setTemplates(templates);
    } catch (error) {
      // Saved replies are a help, not a need: the composer works without them.
      console.warn("saved replies unavailable:", reasonOf(error));
    }
  }
}
