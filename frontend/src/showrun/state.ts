// The show run without the DOM: the cue sheet in running order, drafts by id, posts by
// cue, and what each firing did, kept by one reducer over journal entries (draft.*, cue.*,
// post.*, event.on_air) so the live desk and the replay read the same state. A snapshot
// (the three GETs) resets it; entries then move it on.

import type { JournalEntry } from "../stream/protocol";
import type { Cue, Draft, Firing, NotPublished, Person, Post } from "./types";

export class ShowRun {
  readonly cues = new Map<number, Cue>();
  readonly drafts = new Map<number, Draft>();
  readonly posts = new Map<number, Post>();
  /** The last firing of each cue, by cue id. */
  readonly firings = new Map<number, Firing>();
  /** Cues the scheduler found past their grace window and did not fire. */
  readonly missed = new Set<number>();
  onAirAt: string | null = null;

  reset(cues: readonly Cue[], drafts: readonly Draft[], posts: readonly Post[]): void {
    this.cues.clear();
    this.drafts.clear();
    this.posts.clear();
    for (const cue of cues) this.cues.set(cue.id, cue);
    for (const draft of drafts) this.drafts.set(draft.id, draft);
    for (const post of posts) this.posts.set(post.id, post);
  }

  /** Apply one journal entry; true when it changed the show run. */
  apply(entry: JournalEntry): boolean {
    const data = entry.data;
    const [noun] = entry.type.split(".");
    if (noun === "draft") return this.applyDraft(entry.type, data);
    if (noun === "cue") return this.applyCue(entry, data);
    if (noun === "post") {
      const post = data.post as Post | undefined;
      if (!post) return false;
      this.posts.set(post.id, post);
      return true;
    }
    if (entry.type === "event.on_air") {
      this.onAirAt = (data.on_air_at as string | null) ?? null;
      return true;
    }
    return false;
  }

  applyAll(entries: readonly JournalEntry[]): boolean {
    let changed = false;
    for (const entry of entries) changed = this.apply(entry) || changed;
    return changed;
  }

  private applyDraft(type: string, data: Record<string, unknown>): boolean {
    if (type === "draft.published") {
      const draft = this.drafts.get(Number(data.draft_id));
      if (!draft) return false;
      this.drafts.set(draft.id, { ...draft, status: "published" });
      return true;
    }
    const draft = data.draft as Draft | undefined;
    if (!draft) return false;
    if (type === "draft.deleted") return this.drafts.delete(draft.id);
    this.drafts.set(draft.id, draft);
    return true;
  }

  private applyCue(entry: JournalEntry, data: Record<string, unknown>): boolean {
    const cue = data.cue as Cue | undefined;
    switch (entry.type) {
      case "cue.deleted":
        return cue ? this.cues.delete(cue.id) : false;
      case "cue.reordered": {
        const ids = (data.cue_ids as number[] | undefined) ?? [];
        ids.forEach((id, index) => {
          const found = this.cues.get(id);
          if (found) this.cues.set(id, { ...found, position: index + 1 });
        });
        return ids.length > 0;
      }
      case "cue.fired":
        return this.applyFired(entry, data);
      case "cue.missed":
        if (cue) this.missed.add(cue.id);
        break;
      case "cue.rearmed":
      case "cue.updated":
        if (cue) this.missed.delete(cue.id);
        break;
    }
    if (!cue) return false;
    this.cues.set(cue.id, cue);
    return true;
  }

  private applyFired(entry: JournalEntry, data: Record<string, unknown>): boolean {
    const cueId = Number(data.cue_id);
    const firing: Firing = {
      firing: Number(data.firing),
      postIds: (data.post_ids as number[] | undefined) ?? [],
      notPublished: (data.not_published as NotPublished[] | undefined) ?? [],
      bySchedule: Boolean(data.by_schedule),
      firedBy: (data.fired_by as Person | null | undefined) ?? null,
    };
    this.firings.set(cueId, firing);
    this.missed.delete(cueId);
    const cue = this.cues.get(cueId);
    if (cue) {
      this.cues.set(cueId, {
        ...cue,
        armed: false,
        fire_count: firing.firing,
        fired_at: entry.at,
        fired_by: firing.firedBy,
        due_at: null,
      });
    }
    return true;
  }

  /** The cues in running order. */
  sheet(): Cue[] {
    return [...this.cues.values()].sort((a, b) => a.position - b.position || a.id - b.id);
  }

  /** A cue's drafts in their order: from the drafts read, else the cue's own summary. */
  draftsOf(cueId: number): Draft[] {
    return [...this.drafts.values()]
      .filter((draft) => draft.cue_id === cueId)
      .sort((a, b) => a.position - b.position || a.id - b.id);
  }

  /** Drafts on no cue (quick posts held for approval, drafts not yet placed). */
  unplaced(): Draft[] {
    return [...this.drafts.values()]
      .filter((draft) => draft.cue_id === null)
      .sort((a, b) => a.position - b.position || a.id - b.id);
  }

  /** The posts of a cue (every firing), oldest first. */
  postsOf(cueId: number, firing?: number): Post[] {
    return [...this.posts.values()]
      .filter((post) => post.cue_id === cueId && (firing === undefined || post.cue_firing === firing))
      .sort((a, b) => a.id - b.id);
  }

  /** The next cue: the first armed cue in running order. */
  nextCue(): Cue | null {
    return this.sheet().find((cue) => cue.armed) ?? null;
  }

  readiness(cueId: number): Readiness {
    const cue = this.cues.get(cueId);
    const drafts = this.draftsOf(cueId);
    const statuses = drafts.length
      ? drafts.map((draft) => draft.status as string)
      : (cue?.drafts ?? []).map((draft) => draft.status);
    return readinessOf(statuses);
  }
}

export interface Readiness {
  total: number;
  approved: number;
  /** Every draft approved (or already published for a re-air), and at least one. */
  ready: boolean;
  label: string;
}

export function readinessOf(statuses: readonly string[]): Readiness {
  const total = statuses.length;
  const approved = statuses.filter((status) => status === "approved").length;
  const published = statuses.filter((status) => status === "published").length;
  const ready = total > 0 && approved + published === total && approved > 0;
  const label = total === 0 ? "no drafts" : `${approved}/${total} approved`;
  return { total, approved, ready, label };
}

export type Countdown =
  | { kind: "manual"; label: string }
  | { kind: "missed"; label: string }
  | { kind: "waiting"; label: string }
  | { kind: "due"; ms: number; label: string };

/** Two digits each: "04:05", or "1:02:03" past an hour. */
export function clockText(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n: number): string => String(n).padStart(2, "0");
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
}

/** How long until `cue` fires by itself at `now` (ms since the epoch), or why it will not. */
export function countdown(cue: Cue, now: number, missed = false): Countdown {
  if (missed) return { kind: "missed", label: "missed: fire it by hand" };
  if (cue.trigger === "manual") return { kind: "manual", label: "manual" };
  if (cue.due_at === null) {
    return cue.trigger === "show_offset"
      ? { kind: "waiting", label: `T+${clockText((cue.offset_seconds ?? 0) * 1000)} once on air` }
      : { kind: "manual", label: "manual (its time has passed)" };
  }
  const ms = Date.parse(cue.due_at) - now;
  return { kind: "due", ms, label: ms > 0 ? `in ${clockText(ms)}` : "due now" };
}
