// Work batched to the next animation frame. A hidden tab gets no frames at all, so a timer
// stands in: the store keeps absorbing the stream instead of queueing it without end.

export class FrameScheduler {
  private frame = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly run: () => void,
    private readonly fallbackMs = 250,
  ) {}

  schedule(): void {
    if (this.timer !== undefined) return;
    this.frame = requestAnimationFrame(() => this.fire());
    this.timer = setTimeout(() => this.fire(), this.fallbackMs);
  }

  private fire(): void {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
    this.frame = 0;
    this.timer = undefined;
    this.run();
  }
}
