// The reply being typed, kept in this browser on every keystroke (localStorage, which is
// synchronous: a reload right after a keystroke finds it), so a reload, a crash or a closed
// tab loses no word. The server keeps the draft too, with the claim, but only once a save
// has reached it; this copy is what bridges the gap. One entry per person, event and
// mention; entries end when the reply is sent or the mention released or dismissed, and
// any left over (a claim that ran out, a tab never reopened) expire after a day.

import { type Mention, readMention } from "../feed/types";

const PREFIX = "cuedesk.draft.";
export const DRAFT_MAX_AGE_MS = 24 * 60 * 60 * 1_000;
export const DRAFT_MAX_COUNT = 50;

export interface LocalDraft {
  mentionId: number;
  text: string;
  /** The claim it was typed under, once granted. */
  fence: number | null;
  /** Whether that claim was held when last seen: a reload reopens only a held one. */
  held: boolean;
  /** Texts this browser handed to the server: a server draft among them is not newer. */
  sent: string[];
  /** When it was last typed in, by this machine's clock. */
  at: number;
  /** The mention as the composer showed it, so a reload can reopen it before the feed. */
  mention: Mention | null;
}

/** Where the text to show came from, and what the composer says of it. */
export interface NewestDraft {
  text: string;
  source: "same" | "browser" | "server";
  note: string;
}

/**
 * The newest of the browser's text and the server's draft. The browser's wins when it was
 * typed in this session, when the server has nothing, or when the server's draft is one
 * this browser sent (it has been typed on since). Otherwise another console of this
 * operator saved after this browser's last save, and the server's is newer.
 */
export function newestDraft(
  browserText: string,
  serverDraft: string | null,
  local: LocalDraft | undefined,
  typedNow: boolean,
): NewestDraft {
  const server = serverDraft ?? "";
  if (browserText === server) {
    return { text: server, source: "same", note: server && !typedNow ? "Draft restored" : "" };
  }
  if (!browserText) return { text: server, source: "server", note: "Draft restored" };
  if (typedNow || !server || (local?.sent.includes(server) ?? false)) {
    let note = "";
    if (!typedNow) {
      note = server
        ? "Draft restored from this browser (newer than the server's)"
        : "Draft restored from this browser";
    }
    return { text: browserText, source: "browser", note };
  }
  return {
    text: server,
    source: "server",
    note: "Draft restored from the server (saved on another console, newer than this browser's)",
  };
}

// The one the server last confirmed and up to two on their way (a save, and the one a
// closing composer sends).
const SENT_KEPT = 3;

export class LocalDrafts {
  private readonly prefix: string;
  private warned = false;

  /** `storage`: null where the browser refuses it (private mode, a policy). */
  constructor(
    private readonly storage: Storage | null,
    user: string,
    eventId: number,
    private readonly now: () => number = Date.now,
  ) {
    this.prefix = `${PREFIX}${encodeURIComponent(user)}.${eventId}.`;
    this.prune();
  }

  get(mentionId: number): LocalDraft | undefined {
    return this.read(this.prefix + mentionId);
  }

  /** The held draft typed in last: the one a reload reopens at once. */
  latestHeld(): LocalDraft | undefined {
    return this.entries(this.prefix)
      .map((entry) => entry.draft)
      .filter((draft) => draft.held)
      .sort((a, b) => b.at - a.at)[0];
  }

  /** A keystroke: the text as it is now, under the claim if it is known. */
  typed(mentionId: number, text: string, fence: number | null, mention: Mention | null): void {
    const previous = this.get(mentionId);
    const sameClaim = fence === null || previous?.fence === fence;
    this.write({
      mentionId,
      text,
      fence: fence ?? previous?.fence ?? null,
      held: fence !== null || (previous?.held ?? false),
      sent: sameClaim ? (previous?.sent ?? []) : [],
      at: this.now(),
      mention: mention ?? previous?.mention ?? null,
    });
  }

  /** The claim was granted (or seen again): the draft is held under `fence`. */
  claimed(mentionId: number, fence: number, text: string, mention: Mention | null): void {
    const previous = this.get(mentionId);
    if (!text && !previous) return;
    this.write({
      mentionId,
      text,
      fence,
      held: true,
      sent: previous?.fence === fence ? previous.sent : [],
      at: previous && previous.text === text ? previous.at : this.now(),
      mention: mention ?? previous?.mention ?? null,
    });
  }

  /** `text` is on its way to the server (or arrived there). */
  sent(mentionId: number, text: string): void {
    const draft = this.get(mentionId);
    if (!draft || draft.sent.at(-1) === text) return;
    draft.sent = [...draft.sent.filter((known) => known !== text), text].slice(-SENT_KEPT);
    this.write(draft);
  }

  /** The claim ended under the operator: keep the text to offer if they claim it again. */
  ended(mentionId: number): void {
    const draft = this.get(mentionId);
    if (!draft || !draft.held) return;
    draft.held = false;
    this.write(draft);
  }

  /** Sent, released or dismissed: nothing is left to keep. */
  clear(mentionId: number): void {
    this.attempt(() => this.storage?.removeItem(this.prefix + mentionId));
  }

  /** Drops drafts older than a day, and the oldest beyond the bound, for every event. */
  private prune(): void {
    const cutoff = this.now() - DRAFT_MAX_AGE_MS;
    const drafts = this.entries(PREFIX).sort((a, b) => b.draft.at - a.draft.at);
    drafts.forEach(({ key, draft }, index) => {
      if (draft.at < cutoff || index >= DRAFT_MAX_COUNT) {
        this.attempt(() => this.storage?.removeItem(key));
      }
    });
  }

  private entries(prefix: string): { key: string; draft: LocalDraft }[] {
    const storage = this.storage;
    if (!storage) return [];
    const found: { key: string; draft: LocalDraft }[] = [];
    const keys: string[] = [];
    this.attempt(() => {
      for (let index = 0; index < storage.length; index += 1) {
        const key = storage.key(index);
        if (key?.startsWith(prefix)) keys.push(key);
      }
    });
    for (const key of keys) {
      const draft = this.read(key);
      // Unreadable (another version's, or damaged): dropped rather than kept forever.
      if (draft) found.push({ key, draft });
      else this.attempt(() => storage.removeItem(key));
    }
    return found;
  }

  private read(key: string): LocalDraft | undefined {
    let raw: string | null = null;
    this.attempt(() => {
      raw = this.storage?.getItem(key) ?? null;
    });
    if (raw === null) return undefined;
    try {
      return parseDraft(JSON.parse(raw));
    } catch {
      return undefined;
    }
  }

  private write(draft: LocalDraft): void {
    this.attempt(() => this.storage?.setItem(this.prefix + draft.mentionId, JSON.stringify(draft)));
  }

  /** Storage may refuse (full, disabled): the server's copy still stands, so say it once. */
  private attempt(act: () => void): void {
    try {
      act();
    } catch (error) {
      if (this.warned) return;
      this.warned = true;
      console.warn("drafts cannot be kept in this browser:", error);
    }
  }
}

function parseDraft(value: unknown): LocalDraft | undefined {
  if (!value || typeof value !== "object") return undefined;
  const item = value as Partial<LocalDraft>;
  if (typeof item.mentionId !== "number" || typeof item.text !== "string") return undefined;
  if (typeof item.at !== "number") return undefined;
  return {
    mentionId: item.mentionId,
    text: item.text,
    fence: typeof item.fence === "number" ? item.fence : null,
    held: item.held === true,
    sent: Array.isArray(item.sent) ? item.sent.filter((text) => typeof text === "string") : [],
    at: item.at,
    mention: item.mention ? readMention(item.mention) : null,
  };
}

/** localStorage, or null where merely touching it throws (some privacy settings). */
export function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
