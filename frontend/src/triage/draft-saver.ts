// The half-typed reply kept with the claim on the server (POST /api/mentions/{id}/renew
// with the draft): a second after the last keystroke, and every 20 seconds while the
// composer is open, which also renews the lease. Saves never overlap: one asked for while
// another is on its way goes after it, with the text as it is then. A save that could not
// reach the server goes again as soon as the connection is back (flush).

export const DRAFT_DEBOUNCE_MS = 1_000;
export const RENEW_EVERY_MS = 20_000;

export interface DraftSaverOptions {
  /** Saves the draft; a rejection is the caller's to report (a 409 means the claim is gone). */
  save(draft: string): Promise<void>;
  read(): string;
  debounceMs?: number;
  everyMs?: number;
}

export class DraftSaver {
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private interval: ReturnType<typeof setInterval> | undefined;
  private inFlight = false;
  private again = false;
  private stopped = true;
  /** The last text the server has; a keystroke that changes nothing needs no save. */
  private saved: string | null = null;

  constructor(private readonly options: DraftSaverOptions) {}

  /** Begins with what the server already has (the restored draft, or nothing). */
  start(serverDraft: string): void {
    this.stopped = false;
    this.saved = serverDraft;
    clearInterval(this.interval);
    const every = this.options.everyMs ?? RENEW_EVERY_MS;
    this.interval = setInterval(() => void this.saveNow(true), every);
  }

  /** The text changed: save it once typing pauses. */
  changed(): void {
    if (this.stopped) return;
    clearTimeout(this.debounce);
    const wait = this.options.debounceMs ?? DRAFT_DEBOUNCE_MS;
    this.debounce = setTimeout(() => void this.saveNow(false), wait);
  }

  /**
   * The connection came back: what the server does not have yet goes now, not at the next
   * keystroke or renewal.
   */
  flush(): void {
    if (this.stopped || this.options.read() === this.saved) return;
    void this.saveNow(false);
  }

  /** True while the text on screen may not be on the server yet. */
  get pending(): boolean {
    return this.inFlight || this.debounce !== undefined || this.options.read() !== this.saved;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.debounce);
    clearInterval(this.interval);
    this.debounce = undefined;
  }

  /** `renew` saves even an unchanged draft: it is what keeps the lease alive. */
  private async saveNow(renew: boolean): Promise<void> {
    clearTimeout(this.debounce);
    this.debounce = undefined;
    if (this.stopped) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    const draft = this.options.read();
    if (!renew && draft === this.saved) return;
    this.inFlight = true;
    try {
      await this.options.save(draft);
      this.saved = draft;
    } catch {
      // Reported by save(); a later keystroke or the next renewal tries again.
    } finally {
      this.inFlight = false;
    }
    if (this.again && !this.stopped) {
      this.again = false;
      await this.saveNow(false);
    }
  }
}
