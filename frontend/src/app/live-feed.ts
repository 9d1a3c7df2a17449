// The event page's live feed: loads the state as of a position from the HTTP API, follows
// the socket from there, and applies what arrives once per animation frame.

import { ApiError, exchange, getJSON } from "../lib/api";
import { goToLogin } from "../lib/shell";
import { type Filters, NO_FILTERS, compileFilter, isFiltering } from "../feed/filters";
import { joinsAGroup } from "../feed/groups";
import { applyToStore, sortEntries } from "../feed/core";
import { RateMeter } from "../feed/rate";
import { MentionStore } from "../feed/store";
import { type EventInfo, type Mention, type MentionPage, readMention } from "../feed/types";
import { StreamClient } from "../stream/client";
import { backoffDelay } from "../stream/policy";
import type { JournalEntry, PresenceUser } from "../stream/protocol";
import { ViewReport } from "../triage/typing";
import { FeedView } from "../ui/feed-view";
import { FilterBar } from "../ui/filter-bar";
import { ConnectionIndicator, EventHeader, RateDisplay } from "../ui/header";
import { renderPresence, viewersByMention } from "../ui/presence";
import type { DeskElements } from "./elements";
import { FloodRows } from "./flood-rows";
import { FrameScheduler } from "./frame";
import { PauseControl } from "./pause-control";
import { QueueMode } from "./queue-mode";

// What a first load or a reset reads back: a screenful and more, one request.
const SNAPSHOT_SIZE = 200;
// Rows on screen: enough to scroll back through a burst, few enough to stay smooth.
const VISIBLE_ROWS = 300;
// Held in memory for filters to search: a few seconds of a storm, an hour of a quiet night.
const STORE_CAPACITY = 5_000;

/** Who else wants what arrives: triage (app/triage-desk.ts). */
export interface FeedHooks {
  /** Every entry, as it arrives, before the next frame draws it. */
  onEntries?(entries: readonly JournalEntry[]): void;
  /** A failed reply's Retry button on a row. */
  onRetry?(replyId: number): void;
  /** A failed reply's Edit button on a row. */
  onEditReply?(mention: Mention): void;
  /** A tag chip's × on a row. */
  onUntag?(mentionId: number, tag: string): void;
  /** The mentions of a first load or a reset, now in the store. */
  onSnapshot?(mentions: readonly Mention[]): void;
  /** The live socket is up again: the server can be reached. */
  onLive?(): void;
  /** Every presence frame (the show run's "Ana is editing"). */
  onPresence?(users: readonly PresenceUser[]): void;
}

export class LiveFeed {
  readonly stream: StreamClient;
  /** What this console tells the others it looks at (and whether it is typing). */
  readonly report: ViewReport;
  private readonly store = new MentionStore(STORE_CAPACITY);
  private readonly pause: PauseControl;
  private readonly rate = new RateMeter();
  private readonly view: FeedView;
  /** Live rows one a flood group (reposts, a chant): app/flood-rows.ts. */
  private readonly floods: FloodRows;
  private readonly header: EventHeader;
  private readonly indicator: ConnectionIndicator;
  private readonly rateDisplay: RateDisplay;
  private readonly filterBar: FilterBar;
  private readonly frame = new FrameScheduler(() => this.flush());
  private readonly base: string;
  private filters: Filters = NO_FILTERS;
  private match = compileFilter(NO_FILTERS);
  private tracked: Set<string>;
  private incoming: Mention[] = [];
  /** Claims, replies, tags… applied to the store once a frame, after the arrivals. */
  private updates: JournalEntry[] = [];
  private hooks: FeedHooks = {};
  private snapshot: { items: Mention[]; asOf: number } | null = null;
  private snapshotRound = 0;
  private catchUp = false;
  /** Live or Queue (app/queue-mode.ts), and the older waiting mentions it read. */
  private readonly queue: QueueMode;
  private older: Mention[] | null = null;
  /** Whether a first snapshot is in the store: the queue's read waits for it. */
  private loaded = false;

  constructor(
    eventId: number,
    private readonly me: string,
    private readonly ui: DeskElements,
    tracked: Set<string>,
    retriesAny = false,
  ) {
    this.base = `/api/events/${eventId}`;
    this.tracked = tracked;
    this.view = new FeedView(ui.list, VISIBLE_ROWS, (mention) => this.selected(mention), {
      me,
      retriesAny,
      onRetry: (replyId) => this.hooks.onRetry?.(replyId),
      onEditReply: (mention) => this.hooks.onEditReply?.(mention),
      onUntag: (mentionId, tag) => this.hooks.onUntag?.(mentionId, tag),
    });
    this.floods = new FloodRows(ui.list, VISIBLE_ROWS);
    this.header = new EventHeader(ui.name, ui.hashtags, ui.status);
    this.indicator = new ConnectionIndicator(ui.state, ui.stateText, ui.stateDetail);
    this.rateDisplay = new RateDisplay(ui.rateValue, ui.rateSpark);
    this.filterBar = new FilterBar(ui.filters, (filters) => this.setFilters(filters));
    this.pause = new PauseControl(ui, () => this.scheduleCatchUp());
    this.queue = new QueueMode(eventId, ui.mode, () => this.modeChanged());
    this.pause.setActive(!this.queue.on);
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    this.stream = new StreamClient({
      url: (afterSeq) =>
        `${scheme}//${window.location.host}/ws/events/${eventId}?after_seq=${afterSeq}`,
      callbacks: {
        onEntries: (entries) => this.received(entries),
        onPresence: (users) => this.presence(users),
        onReset: (lastSeq) => void this.reloadAsOf(lastSeq),
        onState: (state) => {
          this.indicator.show(state);
          if (state.kind === "live") this.hooks.onLive?.();
        },
        probe: () => this.probe(),
      },
    });
    this.report = new ViewReport((viewing, typing) => this.stream.view(viewing, typing));
  }

  listen(hooks: FeedHooks): void {
    this.hooks = hooks;
  }

  async start(): Promise<void> {
    this.wire();
    setInterval(() => this.tick(), 1_000);
    for (let attempt = 0; ; attempt += 1) {
      try {
        // Position first, then what came before it: a mention arriving between the two
        // calls has a higher seq and comes over the socket, so none is missed.
        const event = await this.loadEvent(true);
        const page = await this.loadSnapshot(event.last_seq);
        this.snapshot = { items: page, asOf: event.last_seq };
        for (const mention of page) this.rate.record(Date.parse(mention.received_at), Date.now());
        this.frame.schedule();
        this.stream.start(event.last_seq, event.journal_epoch);
        return;
      } catch (error) {
        const reason = this.fatal(error);
        if (reason) return this.stopFor(reason);
        const delay = backoffDelay(attempt);
        this.indicator.show({
          kind: "reconnecting",
          reason: error instanceof Error ? error.message : String(error),
          retryAt: Date.now() + delay,
        });
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private wire(): void {
    window.addEventListener("offline", () => this.stream.networkLost());
    window.addEventListener("online", () => this.stream.networkBack());
  }

  // -- commands (keys and buttons) --------------------------------------------------------

  togglePause(): void {
    this.pause.toggle();
  }

  resume(): void {
    this.pause.resume();
  }

  /** q and the Live / Queue buttons. */
  toggleQueue(): void {
    this.queue.toggle();
  }

  move(step: number): void {
    this.view.move(step);
  }

  deselect(): void {
    this.view.select(null, false);
  }

  /** e: open or close the selected row's flood group. */
  toggleGroup(): void {
    this.floods.toggle(this.view.selected);
  }

  get selectedMention(): Mention | null {
    return this.view.selected;
  }

  mention(id: number): Mention | undefined {
    return this.store.get(id);
  }

  /** Selects the mention if it is on the list; answers whether it is. */
  select(id: number): boolean {
    return this.view.selectId(id);
  }

  /** These mentions changed outside the journal (a reply read back): redraw their rows. */
  refresh(mentions: readonly Mention[]): void {
    this.view.refresh(mentions);
  }

  /** Back from the filters to the list, on its selected row if it has one. */
  focusFeed(): void {
    const row = this.ui.list.querySelector<HTMLElement>(".mention.is-selected");
    (row ?? this.ui.list).focus({ preventScroll: true });
  }

  // -- what arrives -----------------------------------------------------------------------

  private received(entries: readonly JournalEntry[]): void {
    const sorted = sortEntries(entries);
    this.incoming.push(...sorted.mentions);
    this.updates.push(...sorted.updates);
    for (const entry of sorted.others) {
      if (entry.type !== "event.updated") continue;
      const tags = this.header.update(entry.data);
      if (tags) this.tracked = tags;
    }
    this.hooks.onEntries?.(entries);
    this.frame.schedule();
  }

  private presence(users: readonly PresenceUser[]): void {
    renderPresence(this.ui.presenceCount, this.ui.presenceList, users, this.me);
    this.hooks.onPresence?.(users);
    this.view.setViewers(
      viewersByMention(users, this.me),
      viewersByMention(users, this.me, "typing"),
    );
  }

  /** The server could not replay what we missed: reload as of `asOf`, retrying until done. */
  private async reloadAsOf(asOf: number): Promise<void> {
    const round = (this.snapshotRound += 1);
    for (let attempt = 0; round === this.snapshotRound; attempt += 1) {
      try {
        await this.loadEvent(false);
        const items = await this.loadSnapshot(asOf);
        if (round !== this.snapshotRound) return; // a newer reset took over
        this.snapshot = { items, asOf };
        this.frame.schedule();
        return;
      } catch (error) {
        const reason = this.fatal(error);
        if (reason) return this.stopFor(reason);
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt)));
      }
    }
  }

  private async loadEvent(syncClock: boolean): Promise<EventInfo> {
    const answer = await exchange<EventInfo>("GET", this.base);
    if (syncClock && answer.serverTime !== null) {
      this.rate.syncClock(answer.serverTime, Date.now());
    }
    const tags = this.header.update(answer.data);
    if (tags) this.tracked = tags;
    return answer.data;
  }

  private async loadSnapshot(asOf: number): Promise<Mention[]> {
    const page = await getJSON<MentionPage>(
      `${this.base}/mentions?before_seq=${asOf + 1}&limit=${SNAPSHOT_SIZE}`,
    );
    return page.items.map(readMention).filter((item): item is Mention => item !== null);
  }

  private async probe(): Promise<string | null> {
    try {
      await getJSON<EventInfo>(this.base);
      return null;
    } catch (error) {
      return this.fatal(error);
    }
  }

  /**
   * Why no retry can help (the session ended, the event is gone), or null. An ended session
   * goes back through the login page, which returns here.
   */
  private fatal(error: unknown): string | null {
    if (!(error instanceof ApiError)) return null;
    if (error.status === 401) {
      goToLogin();
      return "The session ended. Log in again.";
    }
    return error.status === 404 ? "This event no longer exists." : null;
  }

  private stopFor(reason: string): void {
    this.stream.stop();
    this.indicator.show({ kind: "offline", reason, final: true });
  }

  // -- applying, once a frame -------------------------------------------------------------

  private flush(): void {
    let rebuild = this.catchUp;
    this.catchUp = false;
    if (this.snapshot) {
      this.store.reset(this.snapshot.items, this.snapshot.asOf);
      this.filterBar.noteLanguages(this.snapshot.items);
      this.hooks.onSnapshot?.(this.snapshot.items);
      this.snapshot = null;
      this.pause.reloaded();
      rebuild = true;
      this.loaded = true;
      // A reset let the older ones go (the gap may have changed them): read them again.
      if (this.queue.on) void this.readQueue();
    }
    if (this.older) {
      rebuild = this.store.hold(this.older).length > 0 || rebuild;
      this.older = null;
    }
    // In place, even while the list is held: a held row still shows who claims it.
    const { added, changed } = applyToStore(this.store, this.incoming, this.updates);
    this.incoming = [];
    const now = Date.now();
    for (const mention of added) this.rate.record(Date.parse(mention.received_at), now);
    this.filterBar.noteLanguages(added);
    this.view.refresh(changed);
    this.updates = [];
    if (this.queue.on) {
      // Claimed, answered, released, arrived: the queue follows it all, unpaused.
      if (rebuild || added.length || changed.length) {
        this.queue.draw(this.view, this.floods, this.store, this.match, this.tracked);
      }
      this.showEmpty();
      return;
    }
    const matching = added.filter(this.match);
    if (this.pause.arrived(matching.length)) return;
    const regroup = joinsAGroup(matching);
    if (rebuild || regroup || matching.some((mention) => mention.seq <= this.view.topSeq)) {
      this.floods.draw(this.view, this.store, this.match, this.tracked);
    } else {
      this.view.prepend(matching, this.tracked);
    }
    this.showEmpty();
  }

  /** A new order is drawn at once, from the top (or around the selected row). */
  private modeChanged(): void {
    this.pause.setActive(!this.queue.on);
    this.ui.feedWrap.scrollTop = 0;
    if (this.queue.on) {
      if (this.loaded) void this.readQueue();
      this.queue.draw(this.view, this.floods, this.store, this.match, this.tracked);
    } else {
      this.floods.draw(this.view, this.store, this.match, this.tracked);
      // A row still selected holds the Live list, as a click on it would.
      if (this.view.selected) this.pause.hold("selection");
    }
    this.ui.list
      .querySelector(".mention.is-selected")
      ?.scrollIntoView({ block: "nearest" });
    this.showEmpty();
  }

  /** The top waiting mentions, for the queue: held beside the store in the next frame. */
  private async readQueue(): Promise<void> {
    const top = await this.queue.readTop(this.base);
    if (!top) return;
    this.older = top;
    this.frame.schedule();
  }

  private scheduleCatchUp(): void {
    this.catchUp = true;
    this.frame.schedule();
  }

  private setFilters(filters: Filters): void {
    this.filters = filters;
    this.match = compileFilter(filters);
    // A new question deserves the newest answers at once, so it ends any pause.
    this.resume();
    this.scheduleCatchUp();
  }

  private selected(mention: Mention | null): void {
    this.report.select(mention ? mention.id : null);
    // A row being read must not slide away under the reader.
    if (mention) this.pause.hold("selection");
    else this.pause.release("selection");
  }

  private showEmpty(): void {
    const empty = this.view.size === 0;
    this.ui.empty.hidden = !empty;
    if (empty && this.queue.on) {
      this.ui.empty.textContent = isFiltering(this.filters)
        ? "No waiting mention matches these filters."
        : "Nothing is waiting. New mentions join the queue as they arrive.";
    } else if (empty) {
      this.ui.empty.textContent =
        this.store.size && isFiltering(this.filters)
          ? "No mention matches these filters."
          : "No mentions yet. They appear here as they arrive.";
    }
  }

  private tick(): void {
    const now = Date.now();
    this.indicator.render(now);
    this.rateDisplay.show(this.rate.perMinute(now), this.rate.series(now));
  }
}
