// Play and scrub, without DOM: the replay's clock runs at 1x, 10x or 60x over the journal's
// times, and the entries it passes are applied to the state as they come due. A scrub is a
// seek (the latest one wins); playing reads the journal on in pages, ahead of the clock;
// a clock that runs far ahead of what has been read (60x through a spike) seeks instead,
// so the page never falls minutes behind.

import type { JournalEntry } from "../stream/protocol";
import type { ReplayState, SeekAnswer } from "./state";
import type { Timeline } from "./timeline";

export interface EntriesPage {
  entries: JournalEntry[];
  last_seq: number;
}

/** How the player reaches the server (replay/api.ts in the page, a fixture in tests). */
export interface ReplaySource {
  seek(seq: number): Promise<SeekAnswer>;
  entries(afterSeq: number): Promise<EntriesPage>;
}

export const SPEEDS = [1, 10, 60] as const;
/** Read the next page when fewer than this many entries are waiting. */
const LOW_WATER = 1_000;
/** Further behind the clock than this many entries: seek rather than read on. */
const JUMP_ENTRIES = 20_000;

export class Player {
  speed = 1;
  playing = false;
  /** The replay's clock (ms since the epoch): the instant the state is brought to. */
  clock = 0;
  private buffer: JournalEntry[] = [];
  private reading = false;
  private seekRound = 0;
  private seeking = false;
  private ended = false;

  constructor(
    readonly state: ReplayState,
    private readonly source: ReplaySource,
    private readonly timeline: Timeline,
    private readonly changed: () => void,
  ) {}

  /** Show the state at `seq`; an older seek still on its way is dropped when it lands. */
  async seekTo(seq: number): Promise<void> {
    const round = (this.seekRound += 1);
    this.seeking = true;
    try {
      const answer = await this.source.seek(Math.max(0, Math.min(seq, this.timeline.lastSeq)));
      if (round !== this.seekRound) return;
      this.state.load(answer);
      this.buffer = [];
      this.ended = false;
      this.clock = answer.at ? Date.parse(answer.at) : this.timeline.timeAt(answer.seq);
    } finally {
      if (round === this.seekRound) this.seeking = false;
    }
    this.changed();
  }

  play(speed: number = this.speed): void {
    this.speed = speed;
    this.playing = true;
    this.changed();
  }

  pause(): void {
    this.playing = false;
    this.changed();
  }

  /** `elapsedMs` of real time went by: move the clock and apply what came due. */
  tick(elapsedMs: number): void {
    if (!this.playing || this.seeking) return;
    this.clock += elapsedMs * this.speed;
    const target = this.timeline.seqAt(this.clock);
    const readTo = this.buffer.at(-1)?.seq ?? this.state.seq;
    if (target - readTo > JUMP_ENTRIES) {
      void this.seekTo(target);
      return;
    }
    let due = 0;
    while (due < this.buffer.length && Date.parse(this.buffer[due]?.at ?? "") <= this.clock) due++;
    if (due) {
      this.state.apply(this.buffer.splice(0, due));
      this.changed();
    }
    if (this.buffer.length < LOW_WATER) void this.readOn();
    if (this.ended && !this.buffer.length && this.clock >= this.timeline.endMs) this.pause();
  }

  private async readOn(): Promise<void> {
    if (this.reading || this.ended) return;
    this.reading = true;
    const round = this.seekRound;
    try {
      const after = this.buffer.at(-1)?.seq ?? this.state.seq;
      const page = await this.source.entries(after);
      if (round !== this.seekRound) return; // a seek replaced what we read on from
      this.buffer.push(...page.entries.filter((entry) => entry.seq > after));
      const readTo = this.buffer.at(-1)?.seq ?? after;
      this.ended = readTo >= page.last_seq;
    } catch (error) {
      console.warn("could not read the journal on; trying again next tick", error);
    } finally {
      this.reading = false;
    }
  }
}
