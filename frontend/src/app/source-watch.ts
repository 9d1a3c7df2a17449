// The sources of the event, live: their states in the header and their gaps in the feed.
// Loaded once from GET …/sources, then kept current by the journal's source.* entries.

import "../ui/sources.css";
import { getJSON } from "../lib/api";
import { el } from "../lib/dom";
import { SourceBoard } from "../feed/sources";
import type { JournalEntry } from "../stream/protocol";
import { GapMarkers } from "../ui/gap-markers";
import { SourceStrip } from "../ui/source-states";

export class SourceWatch {
  private readonly board = new SourceBoard();
  private readonly strip: SourceStrip;
  private readonly markers: GapMarkers;

  constructor(
    private readonly eventId: number,
    bar: HTMLElement,
    list: HTMLElement,
  ) {
    const root = el("ul", "sources");
    root.id = "sources";
    root.setAttribute("aria-label", "Sources");
    root.setAttribute("aria-live", "polite");
    bar.append(root);
    this.strip = new SourceStrip(root);
    this.markers = new GapMarkers(list);
    this.render();
    void this.load();
  }

  entries(entries: readonly JournalEntry[]): void {
    if (this.board.apply(entries)) this.render();
  }

  private async load(): Promise<void> {
    try {
      const sources = await getJSON<unknown[]>(`/api/events/${this.eventId}/sources`);
      this.board.load(sources);
      this.render();
    } catch (error) {
      console.warn("could not read the event's sources", error);
    }
  }

  private render(): void {
    this.strip.render(this.board.running);
    this.markers.show(this.board.gaps);
  }
}
