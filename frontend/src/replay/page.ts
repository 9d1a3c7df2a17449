// The replay page: the overview, the chart, the scrubber, play and pause, the bookmarks,
// and the state at the instant (feed and board), drawn once a frame from the DOM-free core.

import { FrameScheduler } from "../app/frame";
import { ApiError } from "../lib/api";
import { byId, el } from "../lib/dom";
import { FeedView } from "../ui/feed-view";
import { trackedTags } from "../ui/header";
import { type Bookmark, type Overview, ReplayApi } from "./api";
import { type BoardElements, renderBoard } from "./board-view";
import { type ChartMark, VolumeChart } from "./chart";
import { Player, SPEEDS } from "./player";
import { ReplayState } from "./state";
import { Timeline, showClock } from "./timeline";

const VISIBLE_ROWS = 300;

export class ReplayPage {
  private readonly api: ReplayApi;
  private readonly state = new ReplayState();
  private readonly frame = new FrameScheduler(() => this.draw());
  private readonly feed: FeedView;
  private readonly board: BoardElements;
  private player: Player | null = null;
  private timeline: Timeline | null = null;
  private chart: VolumeChart | null = null;
  private overview: Overview | null = null;
  private onAirMs: number | null = null;
  private tracked: ReadonlySet<string> = new Set();
  private lastTick = 0;
  private rebuild = true;
  private urlWrittenAt = 0;

  constructor(
    private readonly eventId: number,
    private readonly canBookmark: boolean,
  ) {
    this.api = new ReplayApi(eventId);
    this.feed = new FeedView(byId("replay-feed"), VISIBLE_ROWS, () => {});
    this.board = {
      claims: byId("replay-claims"),
      replies: byId("replay-replies"),
      posts: byId("replay-posts"),
    };
  }

  async start(): Promise<void> {
    try {
      this.overview = await this.api.overview();
    } catch (error) {
      byId("replay-status").textContent =
        error instanceof ApiError ? error.message : "The replay could not be read.";
      return;
    }
    const overview = this.overview;
    this.tracked = trackedTags(overview.event.hashtags);
    this.onAirMs = overview.event.on_air_at ? Date.parse(overview.event.on_air_at) : null;
    this.timeline = new Timeline(overview.minutes, overview.last_seq);
    this.player = new Player(this.state, this.api, this.timeline, () => this.changed());
    this.chart = new VolumeChart(
      byId("replay-chart"),
      this.timeline,
      this.marks(overview),
      this.onAirMs,
      (time) => this.scrubTo(this.timeline?.seqAt(time) ?? 0),
    );
    this.wireControls(overview);
    this.renderMarkers(overview);
    this.renderBookmarks(overview.bookmarks);
    const asked = Number(new URLSearchParams(window.location.search).get("seq"));
    const seq = Number.isSafeInteger(asked) && asked >= 0 ? asked : 0;
    await this.scrubTo(Math.min(seq, overview.last_seq));
    requestAnimationFrame((now) => this.loop(now));
  }

  private marks(overview: Overview): ChartMark[] {
    return [
      ...overview.markers.map((m) => ({ time: Date.parse(m.at), kind: m.kind })),
      ...overview.spikes.map((s) => ({ time: Date.parse(s.at), kind: "spike" as const })),
      ...overview.bookmarks.map((b) => ({
        time: this.timeline?.timeAt(b.seq) ?? 0,
        kind: "bookmark" as const,
      })),
    ];
  }

  private loop(now: number): void {
    const elapsed = this.lastTick ? Math.min(now - this.lastTick, 250) : 0;
    this.lastTick = now;
    this.player?.tick(elapsed);
    requestAnimationFrame((next) => this.loop(next));
  }

  private async scrubTo(seq: number): Promise<void> {
    this.rebuild = true;
    byId("replay-status").textContent = "Seeking…";
    try {
      await this.player?.seekTo(seq);
      byId("replay-status").textContent = "";
    } catch (error) {
      byId("replay-status").textContent =
        error instanceof ApiError ? error.message : "That instant could not be read.";
    }
  }

  private changed(): void {
    this.frame.schedule();
  }

  private draw(): void {
    const player = this.player;
    if (!player) return;
    this.feed.replace(this.state.feed(VISIBLE_ROWS), this.tracked);
    if (this.rebuild) this.rebuild = false;
    else this.feed.refresh(this.state.changed);
    renderBoard(this.board, this.state);
    byId("replay-clock").textContent = showClock(player.clock, this.onAirMs);
    byId("replay-seq").textContent = `seq ${this.state.seq}`;
    byId<HTMLInputElement>("replay-scrub").value = String(this.state.seq);
    const desk = byId("replay");
    desk.dataset.seq = String(this.state.seq);
    desk.dataset.playing = String(player.playing);
    byId("replay-play").textContent = player.playing ? "Pause" : "Play";
    for (const button of document.querySelectorAll<HTMLButtonElement>("[data-speed]")) {
      button.setAttribute("aria-pressed", String(Number(button.dataset.speed) === player.speed));
    }
    this.chart?.show(player.clock);
    this.keepInUrl(player.playing);
  }

  /** The URL names the instant shown, to share it; while playing, once a second at most
   * (browsers throttle pages that rewrite their history every frame). */
  private keepInUrl(playing: boolean): void {
    const now = Date.now();
    if (playing && now - this.urlWrittenAt < 1_000) return;
    this.urlWrittenAt = now;
    const url = new URL(window.location.href);
    url.searchParams.set("seq", String(this.state.seq));
    history.replaceState(null, "", url);
  }

  private wireControls(overview: Overview): void {
    const scrub = byId<HTMLInputElement>("replay-scrub");
    scrub.max = String(overview.last_seq);
    // Dragging asks for every position it passes; the player keeps only the latest answer.
    scrub.addEventListener("input", () => void this.scrubTo(Number(scrub.value)));
    byId("replay-play").addEventListener("click", () => {
      if (this.player?.playing) this.player.pause();
      else this.player?.play();
    });
    for (const speed of SPEEDS) {
      const button = el("button", "replay-speed", `${speed}x`);
      button.type = "button";
      button.dataset.speed = String(speed);
      button.addEventListener("click", () => this.player?.play(speed));
      byId("replay-speeds").append(button);
    }
    const form = byId<HTMLFormElement>("replay-bookmark-form");
    form.hidden = !this.canBookmark;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.addBookmark();
    });
  }

  private renderMarkers(overview: Overview): void {
    const items = [
      ...overview.markers.map((m) => ({ seq: m.seq, kind: m.kind, label: m.label, at: m.at })),
      ...overview.spikes.map((s) => ({
        seq: s.seq,
        kind: "spike",
        label: `Spike: ${s.mentions} mentions a minute (from ${s.baseline})`,
        at: s.at,
      })),
    ].sort((a, b) => a.seq - b.seq);
    const list = byId("replay-markers");
    list.replaceChildren(
      ...items.map((item) => {
        const button = el("button", `replay-marker marker-${item.kind}`);
        button.type = "button";
        button.dataset.seq = String(item.seq);
        button.append(
          el("span", "marker-clock", showClock(Date.parse(item.at), this.onAirMs)),
          el("span", "marker-label", item.label),
        );
        button.addEventListener("click", () => void this.scrubTo(item.seq));
        const row = el("li");
        row.append(button);
        return row;
      }),
    );
  }

  private renderBookmarks(bookmarks: readonly Bookmark[]): void {
    const list = byId("replay-bookmarks");
    list.replaceChildren(
      ...bookmarks.map((bookmark) => {
        const item = el("li", "replay-bookmark");
        const link = el("a", "", bookmark.name);
        link.href = `/events/${this.eventId}/replay?seq=${bookmark.seq}`;
        link.addEventListener("click", (event) => {
          event.preventDefault();
          void this.scrubTo(bookmark.seq);
        });
        item.append(link, el("span", "muted", ` seq ${bookmark.seq}`));
        return item;
      }),
    );
  }

  private async addBookmark(): Promise<void> {
    const input = byId<HTMLInputElement>("replay-bookmark-name");
    const name = input.value.trim();
    if (!name || !this.overview) return;
    try {
      const added = await this.api.addBookmark(name, this.state.seq);
      this.overview.bookmarks = [...this.overview.bookmarks, added].sort((a, b) => a.seq - b.seq);
      this.renderBookmarks(this.overview.bookmarks);
      input.value = "";
    } catch (error) {
      byId("replay-status").textContent =
        error instanceof ApiError ? error.message : "The bookmark was not saved.";
    }
  }
}
