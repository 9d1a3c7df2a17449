// Whether the operator is typing a reply, for the others' "Olive is typing…": true at the
// first keystroke, false after three seconds without one (docs/triage.md) or when the
// composer closes. Only changes are reported, so a burst of keys costs one message.

export const TYPING_IDLE_MS = 3_000;

export class TypingTracker {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private active = false;

  constructor(
    private readonly onChange: (typing: boolean) => void,
    private readonly idleMs = TYPING_IDLE_MS,
  ) {}

  get typing(): boolean {
    return this.active;
  }

  keystroke(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.stop(), this.idleMs);
    if (this.active) return;
    this.active = true;
    this.onChange(true);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.active) return;
    this.active = false;
    this.onChange(false);
  }
}

/**
 * What this console tells the socket it looks at: the mention in the composer while one is
 * open (with whether its operator is typing), else the selected mention, else the feed.
 */
export class ViewReport {
  private selected: number | null = null;
  private composing: number | null = null;
  private typing = false;

  constructor(private readonly send: (viewing: string, typing: boolean) => void) {}

  select(id: number | null): void {
    this.selected = id;
    this.push();
  }

  compose(id: number | null): void {
    this.composing = id;
    if (id === null) this.typing = false;
    this.push();
  }

  setTyping(typing: boolean): void {
    this.typing = typing;
    this.push();
  }

  private push(): void {
    const id = this.composing ?? this.selected;
    this.send(id === null ? "feed" : `mention:${id}`, this.composing !== null && this.typing);
  }
}
