// Pausing the feed. Several things can hold it still at once (the operator's pause, the
// mouse over the list, a mention being read); it moves again when none does, and counts
// what arrived meanwhile so nothing goes unnoticed.

export type Hold = "user" | "hover" | "selection";

export class PauseState {
  private holds = new Set<Hold>();
  private waiting = 0;

  get paused(): boolean {
    return this.holds.size > 0;
  }

  /** How many matching mentions arrived while paused. */
  get newCount(): number {
    return this.waiting;
  }

  isHeldBy(hold: Hold): boolean {
    return this.holds.has(hold);
  }

  /** Answers true when this hold paused a moving feed. */
  hold(reason: Hold): boolean {
    const wasPaused = this.paused;
    this.holds.add(reason);
    return !wasPaused;
  }

  /** Answers true when releasing this hold set the feed moving again. */
  release(reason: Hold): boolean {
    if (!this.holds.delete(reason)) return false;
    if (this.paused) return false;
    this.waiting = 0;
    return true;
  }

  /** Every hold let go at once (the resume button, space, a change of filters). */
  resume(): boolean {
    const wasPaused = this.paused;
    this.holds.clear();
    this.waiting = 0;
    return wasPaused;
  }

  /** Counts arrivals while paused; answers whether they were held back. */
  arrived(count: number): boolean {
    if (!this.paused) return false;
    this.waiting += count;
    return true;
  }
}
