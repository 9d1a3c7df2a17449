// The replay's state at one instant, without DOM: the feed's window (the live desk's store
// and reducers, feed/core.ts), the board, and the mentions the board names. Loaded from a
// seek answer, then moved on by journal pages, entry by entry in seq order.

import { applyToStore, sortEntries } from "../feed/core";
import { MentionStore } from "../feed/store";
import type { Mention } from "../feed/types";
import type { JournalEntry } from "../stream/protocol";
import { Board, type BoardState } from "./board";

/** Mentions held: the rows shown and a margin, as the live store bounds its own. */
export const REPLAY_CAPACITY = 1_000;

/** A mention named on the board, when the feed no longer holds it (GET …/replay/seek). */
export interface MentionSummary {
  id: number;
  seq: number;
  network: string;
  author: { handle: string; name: string };
  text: string;
}

/** GET /api/events/{id}/replay/seek (docs/replay.md). */
export interface SeekAnswer {
  seq: number;
  at: string | null;
  last_seq: number;
  checkpoint_seq: number;
  from_seq: number;
  mentions: MentionSummary[];
  board: BoardState;
  /** The board's entries between the checkpoint and `from_seq` (no mentions). */
  board_entries: JournalEntry[];
  entries: JournalEntry[];
}

export class ReplayState {
  store = new MentionStore(REPLAY_CAPACITY);
  board = new Board();
  /** The last entry applied: the instant shown. */
  seq = 0;
  at: string | null = null;
  /** The mentions held whose row the last `apply` changed in place (claimed, answered…). */
  changed: Mention[] = [];
  private named = new Map<number, MentionSummary>();

  /** The state of a seek answer: what a console held at `answer.seq`. */
  load(answer: SeekAnswer): void {
    this.store = new MentionStore(REPLAY_CAPACITY);
    this.board = new Board(answer.board);
    // Entries below the checkpoint that the window brings again are applied twice: the
    // board's rules, like the desk's, allow it (a fence only grows, a reply's news is final).
    for (const entry of answer.board_entries) this.board.apply(entry);
    this.named = new Map(answer.mentions.map((mention) => [mention.id, mention]));
    this.seq = answer.from_seq;
    this.at = null;
    this.apply(answer.entries);
    this.seq = answer.seq;
    this.at = answer.at ?? this.at;
  }

  /**
   * Applies the entries that follow the instant shown (any already applied are skipped);
   * answers how many were new. A gap stops at it: the caller seeks instead.
   */
  apply(entries: readonly JournalEntry[]): number {
    const fresh: JournalEntry[] = [];
    for (const entry of entries) {
      if (entry.seq <= this.seq) continue;
      if (entry.seq !== this.seq + 1) break;
      fresh.push(entry);
      this.seq = entry.seq;
      this.at = entry.at;
    }
    this.changed = [];
    if (!fresh.length) return 0;
    const sorted = sortEntries(fresh);
    this.changed = applyToStore(this.store, sorted.mentions, sorted.updates).changed;
    for (const entry of fresh) this.board.apply(entry);
    return fresh.length;
  }

  /** The feed as shown: the newest first, at most `limit`. */
  feed(limit: number): Mention[] {
    return this.store.newest(limit);
  }

  /** Who wrote a mention the board names: from the feed, or from the seek's summaries. */
  describe(mentionId: number): { handle: string; text: string } | null {
    const held = this.store.get(mentionId);
    if (held) return { handle: held.author.handle, text: held.text };
    const named = this.named.get(mentionId);
    return named ? { handle: named.author.handle, text: named.text } : null;
  }
}
