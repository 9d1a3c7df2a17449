// The feed's two orders: Live (newest first, as they arrive, with its pause) and Queue (the
// mentions waiting, highest priority first, a flood group once, redrawn in the frame
// anything changed). This holds the mode (remembered per event), its Live / Queue buttons,
// the read of the top waiting mentions that the store may not hold, and the drawing of the
// queue that keeps the selection and what is on screen where they were.

import { getJSON } from "../lib/api";
import { type FeedMode, queueRows, readMode, saveMode } from "../feed/queue";
import type { MentionStore } from "../feed/store";
import { type Mention, type MentionPage, readMention } from "../feed/types";
import type { FeedView } from "../ui/feed-view";
import type { FloodRows } from "./flood-rows";

// The waiting mentions read on entering the queue: the top of it, whatever their age.
const QUEUE_READ = 200;

export interface QueueElements {
  liveButton: HTMLButtonElement;
  queueButton: HTMLButtonElement;
  /** The list's heading, read by screen readers: it says which order this is. */
  title: HTMLElement;
  /** The scrolling box around the list. */
  feedWrap: HTMLElement;
}

const storage = (): Storage | null => {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
};

export class QueueMode {
  private current: FeedMode;
  private round = 0;

  /** `changed`: the mode switched (by key, button or nothing else). */
  constructor(
    private readonly eventId: number,
    private readonly ui: QueueElements,
    private readonly changed: (mode: FeedMode) => void,
  ) {
    this.current = readMode(storage(), eventId);
    ui.liveButton.addEventListener("click", () => this.set("live"));
    ui.queueButton.addEventListener("click", () => this.set("queue"));
    this.show();
  }

  get on(): boolean {
    return this.current === "queue";
  }

  toggle(): void {
    this.set(this.on ? "live" : "queue");
  }

  set(mode: FeedMode): void {
    if (mode === this.current) return;
    this.current = mode;
    saveMode(storage(), this.eventId, mode);
    this.show();
    this.changed(mode);
  }

  /**
   * GET the top waiting mentions (`sort=priority`, flood heads and mentions alone), for the
   * queue to cover those older than the store too; answers them, or null when a newer read
   * or the Live mode took over.
   */
  async readTop(base: string): Promise<Mention[] | null> {
    const round = (this.round += 1);
    try {
      const page = await getJSON<MentionPage>(
        `${base}/mentions?state=new&sort=priority&heads_only=true&limit=${QUEUE_READ}`,
      );
      if (round !== this.round || !this.on) return null;
      return page.items.map(readMention).filter((item): item is Mention => item !== null);
    } catch (error) {
      // The queue still covers what the store holds; the next entry or reset reads again.
      console.warn("the top of the queue could not be read", error);
      return null;
    }
  }

  /**
   * Redraw the queue from the store, a flood group once by its head with its badge (through
   * `floods`, as in Live). The selected row stays selected wherever it moves (or hands over
   * to the row taking its place) and stays where it was on screen; with none selected, the
   * first row in sight stays put; at the very top with none selected, the top of the queue
   * is what shows.
   */
  draw(
    view: FeedView,
    floods: FloodRows,
    store: MentionStore,
    keep: (mention: Mention) => boolean,
    tracked: ReadonlySet<string>,
  ): void {
    const before = this.anchor(view);
    const wasSelected = before !== null && before === this.selectedRow();
    const top = before?.getBoundingClientRect().top ?? 0;
    floods.show(view, queueRows(store.all(), keep, view.limit), tracked, true);
    if (!before) return;
    // A selected row that left hands over to its heir, which takes its place on screen.
    const after = before.isConnected ? before : wasSelected ? this.selectedRow() : null;
    if (after) this.ui.feedWrap.scrollTop += after.getBoundingClientRect().top - top;
  }

  private anchor(view: FeedView): HTMLElement | null {
    const wrap = this.ui.feedWrap;
    const selected = this.selectedRow();
    const box = wrap.getBoundingClientRect();
    if (selected) {
      const row = selected.getBoundingClientRect();
      if (row.bottom > box.top && row.top < box.bottom) return selected;
    }
    if (wrap.scrollTop <= 0 || !view.size) return null;
    const list = wrap.querySelector<HTMLElement>(".feed");
    for (const row of list?.children ?? []) {
      if (row.getBoundingClientRect().bottom > box.top) return row as HTMLElement;
    }
    return null;
  }

  private selectedRow(): HTMLElement | null {
    return this.ui.feedWrap.querySelector<HTMLElement>(".feed .mention.is-selected");
  }

  private show(): void {
    const { liveButton, queueButton, title, feedWrap } = this.ui;
    liveButton.setAttribute("aria-pressed", String(!this.on));
    queueButton.setAttribute("aria-pressed", String(this.on));
    feedWrap.classList.toggle("is-queue", this.on);
    title.textContent = this.on
      ? "Mentions waiting, highest priority first"
      : "Mentions, newest first";
  }
}
