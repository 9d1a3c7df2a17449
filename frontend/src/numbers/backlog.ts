// The backlog from journal entries: how many mentions wait (neither answered nor dismissed),
// how many of those nobody holds, and how long the oldest has waited.
//
// Counting needs only the held claims (a few per operator); the oldest needs the open
// mentions in arrival order, kept for the oldest `capacity` of them. Past that (a night
// nobody answers), the newest are not tracked, and when the tracked ones have all been
// answered the oldest is unknown until the next snapshot (`needsSnapshot`).
//
// A flood's copies (a mention with a `cluster_id`) wait with their head, which alone counts,
// as claim next and the queue offer the head alone (docs/floods.md).

export interface BacklogSnapshot {
  waiting: number;
  /** Mentions claimed now (their ids). */
  claimed_ids: number[];
  /** The oldest open mentions, oldest first, as `[id, received_at]`. */
  oldest: [number, string][];
  /** Whether open mentions exist beyond `oldest`. */
  more: boolean;
}

export class Backlog {
  private waitingCount = 0;
  private readonly claimed = new Set<number>();
  /** Open mentions, in arrival order: id → received (ms). */
  private readonly open = new Map<number, number>();
  /** Whether every open mention is in `open` (nothing was left out). */
  private complete = true;
  /** Copies in floods received since the snapshot: not counted, so not uncounted. */
  private readonly copies = new Set<number>();

  constructor(readonly capacity = 50_000) {}

  load(snapshot: BacklogSnapshot): void {
    this.waitingCount = snapshot.waiting;
    this.claimed.clear();
    for (const id of snapshot.claimed_ids) this.claimed.add(id);
    this.open.clear();
    this.copies.clear();
    for (const [id, at] of snapshot.oldest.slice(0, this.capacity)) this.open.set(id, Date.parse(at));
    this.complete = !snapshot.more && snapshot.oldest.length <= this.capacity;
  }

  received(id: number, atMs: number, copyOf: number | null = null): void {
    if (copyOf !== null) {
      this.copies.add(id);
      return;
    }
    this.waitingCount += 1;
    if (!this.complete) return;
    if (this.open.size >= this.capacity) {
      this.complete = false;
      return;
    }
    this.open.set(id, atMs);
  }

  claimedBy(id: number): void {
    if (this.copies.has(id)) return;
    this.claimed.add(id);
  }

  /** Released, or its claim expired: back in the queue. */
  unclaimed(id: number): void {
    this.claimed.delete(id);
  }

  /** Answered or dismissed: final, it leaves the backlog. */
  closed(id: number): void {
    if (this.copies.has(id)) return;
    this.waitingCount = Math.max(0, this.waitingCount - 1);
    this.claimed.delete(id);
    this.open.delete(id);
  }

  get waiting(): number {
    return this.waitingCount;
  }

  get unclaimedCount(): number {
    return Math.max(0, this.waitingCount - this.claimed.size);
  }

  /** When the oldest waiting mention arrived (ms), or null if none waits or it is unknown. */
  get oldestAt(): number | null {
    for (const at of this.open.values()) return at;
    return null;
  }

  /** The oldest is unknown: mentions wait that were not tracked. */
  get needsSnapshot(): boolean {
    return !this.complete && this.open.size === 0 && this.waitingCount > 0;
  }
}
