// The desk's status line (aria-live): what an action did or why it was refused ("Mention 42
// is held by Olive until 21:04:05 UTC."). Never a dialog: the feed keeps moving under it.

export type StatusTone = "info" | "error";

// Long enough to read a refusal twice; errors stay until the next message.
const INFO_MS = 8_000;

export class StatusLine {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly node: HTMLElement) {}

  say(message: string, tone: StatusTone = "info"): void {
    clearTimeout(this.timer);
    // The same words twice in a row are still news: screen readers announce a change only.
    if (this.node.textContent === message) this.node.textContent = "";
    this.node.dataset.tone = tone;
    this.node.textContent = message;
    if (tone === "info") {
      this.timer = setTimeout(() => {
        this.node.textContent = "";
      }, INFO_MS);
    }
  }
}
