// Mentions per minute over a rolling 60 seconds, by the time the server journaled each one,
// so a reconnect that delivers five minutes at once does not read as a spike.

const SECONDS = 60;

export class RateMeter {
  private counts = new Array<number>(SECONDS).fill(0);
  private stamps = new Array<number>(SECONDS).fill(-Infinity);
  /** Local clock minus the server's, as best known. */
  private offsetMs = 0;

  /** The server's clock read from a response (`Date`), against ours when it arrived. */
  syncClock(serverMs: number, localMs: number): void {
    if (Number.isFinite(serverMs)) this.offsetMs = localMs - serverMs;
  }

  /** One mention journaled at `atMs` (server clock), taken in at `localMs`. */
  record(atMs: number, localMs: number): void {
    if (!Number.isFinite(atMs)) return;
    // Nothing arrives before it happened: an entry that seems to has corrected our clock.
    this.offsetMs = Math.min(this.offsetMs, localMs - atMs);
    const second = Math.floor(atMs / 1000);
    const slot = ((second % SECONDS) + SECONDS) % SECONDS;
    const stamp = this.stamps[slot] ?? -Infinity;
    if (second < stamp) return; // older than the window that slot now holds
    if (second > stamp) {
      this.stamps[slot] = second;
      this.counts[slot] = 0;
    }
    this.counts[slot] = (this.counts[slot] ?? 0) + 1;
  }

  /** Per-second counts for the last minute, oldest first (the sparkline). */
  series(localMs: number): number[] {
    const now = Math.floor((localMs - this.offsetMs) / 1000);
    const values: number[] = [];
    for (let second = now - SECONDS + 1; second <= now; second += 1) {
      const slot = ((second % SECONDS) + SECONDS) % SECONDS;
      values.push(this.stamps[slot] === second ? (this.counts[slot] ?? 0) : 0);
    }
    return values;
  }

  perMinute(localMs: number): number {
    return this.series(localMs).reduce((sum, value) => sum + value, 0);
  }
}
