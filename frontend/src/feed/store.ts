// The mentions this console holds: ordered by seq, each once, and bounded in number so that
// a night at a thousand a second costs the same memory as a quiet one.

import type { Mention } from "./types";

export class MentionStore {
  /** Ascending by seq; the newest is last. */
  private items: Mention[] = [];
  /** By id, for triage entries that change a mention in place. */
  private byId = new Map<number, Mention>();
  /** Everything at or below this seq was let go; it must not come back as "new". */
  private floor = 0;
  /**
   * Older mentions held beside the list for the queue (waiting, high priority, read on
   * entering Queue mode): below the oldest seq held, never in `newest`, bounded apart.
   */
  private older = new Map<number, Mention>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.items.length;
  }

  get newestSeq(): number {
    return this.items.at(-1)?.seq ?? 0;
  }

  /** How many older mentions `hold` keeps beside the list. */
  get olderSize(): number {
    return this.older.size;
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  get(id: number): Mention | undefined {
    return this.byId.get(id);
  }

  /**
   * Adds the mentions not held yet and answers them (ascending by seq). The live stream
   * sends them in order, so adding is an append; anything older is put in its place.
   */
  addMany(mentions: readonly Mention[]): Mention[] {
    const added: Mention[] = [];
    let sorted = true;
    for (const mention of mentions) {
      if (mention.seq <= this.floor || this.byId.has(mention.id)) continue;
      const last = this.items.at(-1);
      if (!last || mention.seq > last.seq) {
        this.items.push(mention);
      } else {
        const index = this.insertionIndex(mention.seq);
        if (this.items[index]?.seq === mention.seq) continue; // same entry, another id
        this.items.splice(index, 0, mention);
        sorted = false;
      }
      this.byId.set(mention.id, mention);
      added.push(mention);
    }
    this.trim();
    // Whatever was trimmed again at once never reached the console's holdings.
    const kept = added.filter((mention) => mention.seq > this.floor);
    if (!sorted) kept.sort((a, b) => a.seq - b.seq);
    return kept;
  }

  /**
   * The console reloaded its state as of `asOfSeq` (first load, or after a `reset`): the
   * snapshot replaces what was held up to there; anything newer already received stays.
   */
  reset(snapshot: readonly Mention[], asOfSeq: number): void {
    const newer = this.items.filter((mention) => mention.seq > asOfSeq);
    this.items = [];
    this.byId.clear();
    this.older.clear(); // the gap may have changed them: the queue reads them again
    this.floor = 0;
    this.addMany(snapshot.filter((mention) => mention.seq <= asOfSeq));
    this.addMany(newer);
  }

  /**
   * Keeps mentions older than the list beside it, for the queue: those not held yet and
   * below the oldest seq held (anything newer is, or will be, in the list itself, which
   * must stay free of gaps). At most `limit` are kept, the oldest let go first. Answers
   * those added.
   */
  hold(mentions: readonly Mention[], limit = 1_000): Mention[] {
    const oldest = this.items[0]?.seq ?? 0;
    const added: Mention[] = [];
    for (const mention of mentions) {
      if (mention.seq >= oldest || this.byId.has(mention.id)) continue;
      this.older.set(mention.id, mention);
      this.byId.set(mention.id, mention);
      added.push(mention);
    }
    if (this.older.size > limit) {
      const bySeq = [...this.older.values()].sort((a, b) => a.seq - b.seq);
      for (const mention of bySeq.slice(0, this.older.size - limit)) {
        this.older.delete(mention.id);
        this.byId.delete(mention.id);
      }
    }
    return added.filter((mention) => this.older.has(mention.id));
  }

  /** Every mention held, the older ones kept for the queue included, in no set order. */
  *all(): IterableIterator<Mention> {
    yield* this.older.values();
    yield* this.items;
  }

  /** Up to `limit` mentions that pass `keep`, newest first. */
  newest(limit: number, keep: (mention: Mention) => boolean = () => true): Mention[] {
    const found: Mention[] = [];
    for (let i = this.items.length - 1; i >= 0 && found.length < limit; i -= 1) {
      const mention = this.items[i];
      if (mention && keep(mention)) found.push(mention);
    }
    return found;
  }

  private insertionIndex(seq: number): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.items[middle]?.seq ?? 0) < seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private trim(): void {
    const excess = this.items.length - this.capacity;
    if (excess <= 0) return;
    const dropped = this.items.splice(0, excess);
    for (const mention of dropped) this.byId.delete(mention.id);
    this.floor = Math.max(this.floor, dropped.at(-1)?.seq ?? 0);
  }
}
