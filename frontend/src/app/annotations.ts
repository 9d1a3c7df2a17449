// Flags, tags and notes on the selected mention, from the keys: f flags it for the producer
// (or takes the flag off), t opens the tag box, shift+N the note box, and a tag's × on the
// row removes it. Like the rest of triage, each is one HTTP call whose outcome every console
// (this one included) sees in the journal; a refusal is said in the status line, in the
// server's words. Notes are the team's: nothing here ever reaches a network.

import type { Mention } from "../feed/types";
import type { Command } from "../keyboard/keys";
import type { TriageApi } from "../triage/api";
import { handleOf } from "../triage/words";
import { type AnnotationElements, AnnotationBox, type AnnotationKind } from "../ui/annotation-box";
import type { Tone } from "./composer";
import type { FeedAccess } from "./triage-desk";

interface Target {
  kind: AnnotationKind;
  mentionId: number;
  /** "@ana's mention", for what the status line says. */
  what: string;
}

const reasonOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

const whatOf = (mention: Mention | undefined, id: number): string =>
  mention ? `${handleOf(mention)}'s mention` : `mention ${id}`;

export class Annotations {
  private readonly box: AnnotationBox;
  private target: Target | null = null;
  private busy = false;
  /** Flags and untags on their way ("flag:42"): a second press sends nothing more. */
  private readonly inFlight = new Set<string>();

  constructor(
    ui: AnnotationElements,
    private readonly api: TriageApi,
    private readonly feed: Pick<FeedAccess, "selectedMention" | "mention" | "focusFeed">,
    private readonly say: (message: string, tone?: Tone) => void,
  ) {
    this.box = new AnnotationBox(ui, (text) => void this.submit(text));
  }

  /** The keys this module answers (a viewer's were refused before); false for the rest. */
  run(command: Command): boolean {
    if (command === "close-annotation") {
      this.close();
      return true;
    }
    if (command !== "flag" && command !== "tag" && command !== "note") return false;
    const mention = this.feed.selectedMention;
    if (!mention) this.say("Select a mention first: j and k move through the feed.", "error");
    else if (command === "flag") void this.toggleFlag(mention);
    else this.open(command, mention);
    return true;
  }

  /** A tag chip's × on a row (viewers have none: the server would refuse them). */
  untag(mentionId: number, tag: string): void {
    const what = whatOf(this.feed.mention(mentionId), mentionId);
    void this.once(`untag:${mentionId}:${tag}`, async () => {
      try {
        await this.api.removeTag(mentionId, tag);
        this.say(`Removed the tag ${tag} from ${what}.`);
      } catch (error) {
        this.say(`Tag not removed: ${reasonOf(error)}`, "error");
      }
    });
  }

  private async toggleFlag(mention: Mention): Promise<void> {
    const flag = !mention.flagged;
    const what = whatOf(mention, mention.id);
    await this.once(`flag:${mention.id}`, async () => {
      try {
        await this.api.flag(mention.id, flag);
        this.say(flag ? `Flagged ${what} for the producer.` : `Took the flag off ${what}.`);
      } catch (error) {
        this.say(`${flag ? "Not flagged" : "Still flagged"}: ${reasonOf(error)}`, "error");
      }
    });
  }

  private open(kind: AnnotationKind, mention: Mention): void {
    if (this.busy) return;
    this.target = { kind, mentionId: mention.id, what: whatOf(mention, mention.id) };
    this.box.open(kind, mention.id, this.target.what);
  }

  /** Escape in the box, or the box's work done: closed, and the feed has the keys again. */
  private close(): void {
    if (!this.box.isOpen) return;
    const hadFocus = this.box.hasFocus;
    this.box.close();
    this.target = null;
    this.busy = false;
    if (hadFocus) this.feed.focusFeed();
  }

  private async submit(text: string): Promise<void> {
    const target = this.target;
    if (!target || this.busy) return;
    const value = text.trim();
    if (!value) {
      // Enter on an empty box: nothing to add, so it is done with.
      this.close();
      return;
    }
    this.busy = true;
    this.box.setBusy(true);
    try {
      if (target.kind === "tag") {
        const answer = await this.api.addTag(target.mentionId, value);
        this.say(`Tagged ${target.what}: ${answer.tags.join(", ")}.`);
      } else {
        await this.api.addNote(target.mentionId, value);
        this.say(`Note added to ${target.what}, for the team only.`);
      }
      if (this.target === target) this.close();
    } catch (error) {
      // The text stays to be put right (a 422 says what a tag may be).
      const what = target.kind === "tag" ? "Tag not added" : "Note not added";
      this.say(`${what}: ${reasonOf(error)}`, "error");
      if (this.target === target) {
        this.box.setBusy(false);
        this.box.focus();
      }
    } finally {
      if (this.target === target || !this.target) this.busy = false;
    }
  }

  private async once(key: string, act: () => Promise<void>): Promise<void> {
    if (this.inFlight.has(key)) return;
    this.inFlight.add(key);
    try {
      await act();
    } finally {
      this.inFlight.delete(key);
    }
  }
}
