// A live run recorded through the real websocket (tests/replay/test_live_run.py writes the
// fixture): the frames the console was sent, what the API showed at four instants, and the
// replay's seek answers at those instants. The replay, built from the seek and the journal
// by the live desk's reducers, must show what the live console and the API showed.

import { describe, expect, it } from "vitest";
import { applyToStore, sortEntries } from "../feed/core";
import { MentionStore } from "../feed/store";
import type { Mention } from "../feed/types";
import type { JournalEntry } from "../stream/protocol";
import type { BoardState } from "./board";
import recorded from "./live-run.fixture.json";
import { Player, type ReplaySource } from "./player";
import { ReplayState, type SeekAnswer } from "./state";
import { type Minutes, Timeline } from "./timeline";

interface Instant {
  seq: number;
  mentions: Mention[];
  claimed: Mention[];
}

interface Fixture {
  frames: { entries: JournalEntry[] }[];
  instants: Instant[];
  seeks: Omit<SeekAnswer, "entries">[];
}

const fixture = recorded as unknown as Fixture;
const copy = <T>(value: T): T => structuredClone(value);
const everyEntry = fixture.frames.flatMap((frame) => frame.entries);

/** A row as the feed shows it: who holds it, how its reply goes, its tags and flag. */
const row = (mention: Mention) => ({
  id: mention.id,
  state: mention.state,
  holder: mention.claim?.holder.username ?? null,
  fence: mention.claim?.fence ?? null,
  reply: mention.reply ? mention.reply.text : null,
  tags: mention.tags,
  flagged: mention.flagged,
});

/** The live console's store at `seq`: each frame applied as the live desk applies one. */
function liveAt(seq: number): MentionStore {
  const store = new MentionStore(5_000);
  for (const frame of fixture.frames) {
    const sorted = sortEntries(copy(frame.entries).filter((entry) => entry.seq <= seq));
    applyToStore(store, sorted.mentions, sorted.updates);
  }
  return store;
}

function seekAnswer(index: number): SeekAnswer {
  const seek = copy(fixture.seeks[index]!);
  const entries = everyEntry.filter((e) => seek.from_seq < e.seq && e.seq <= seek.seq);
  return { ...seek, entries: copy(entries) };
}

function replayAt(index: number): ReplayState {
  const state = new ReplayState();
  state.load(seekAnswer(index));
  return state;
}

const claimsOf = (board: BoardState) =>
  board.claims.map((claim) => [claim.mention_id, claim.holder.username]);

describe("the replay of a recorded live run", () => {
  it("shows at each instant the feed the live console showed", () => {
    fixture.instants.forEach((instant, index) => {
      const replay = replayAt(index);
      expect(replay.seq).toBe(instant.seq);
      expect(replay.feed(300).map(row)).toEqual(liveAt(instant.seq).newest(300).map(row));
    });
  });

  it("shows at each instant the mentions and claims the API answered then", () => {
    fixture.instants.forEach((instant, index) => {
      const replay = replayAt(index);
      expect(replay.feed(instant.mentions.length).map(row)).toEqual(instant.mentions.map(row));
      const held = instant.claimed.map((m) => [m.id, m.claim?.holder.username]);
      expect(claimsOf(replay.board.state())).toEqual(held.sort((a, b) => Number(a[0]) - Number(b[0])));
    });
  });

  it("played on from one instant reaches the next one's state", () => {
    const replay = replayAt(0);
    const [first, second] = fixture.instants as [Instant, Instant];
    replay.apply(copy(everyEntry.filter((e) => first.seq < e.seq && e.seq <= second.seq)));
    const target = replayAt(1);
    expect(replay.seq).toBe(second.seq);
    expect(replay.feed(300).map(row)).toEqual(target.feed(300).map(row));
    expect(replay.board.state()).toEqual(target.board.state());
  });

  it("skips entries it holds and stops at a gap rather than apply past it", () => {
    const replay = replayAt(0);
    const next = everyEntry.filter((e) => e.seq > replay.seq);
    expect(replay.apply(copy(everyEntry.slice(0, 5)))).toBe(0);
    expect(replay.apply(copy(next.slice(2, 6)))).toBe(0);
    expect(replay.apply(copy(next.slice(0, 3)))).toBe(3);
  });
});

/** Per-minute columns of the recorded journal, as GET …/replay answers them. */
function minutesOf(entries: readonly JournalEntry[]): Minutes {
  const minutes: Minutes = { at: [], mentions: [], entries: [], first_seq: [], last_seq: [] };
  for (const entry of entries) {
    const at = `${entry.at.slice(0, 16)}:00.000Z`;
    if (minutes.at.at(-1) !== at) {
      minutes.at.push(at);
      minutes.mentions.push(0);
      minutes.entries.push(0);
      minutes.first_seq.push(entry.seq);
      minutes.last_seq.push(entry.seq);
    }
    const last = minutes.at.length - 1;
    minutes.entries[last]! += 1;
    if (entry.type === "mention.received") minutes.mentions[last]! += 1;
    minutes.last_seq[last] = entry.seq;
  }
  return minutes;
}

describe("the player", () => {
  const lastSeq = everyEntry.at(-1)!.seq;
  const source: ReplaySource = {
    seek: async (seq) => {
      const index = fixture.seeks.findIndex((seek) => seek.seq === seq);
      if (index < 0) throw new Error(`no recorded seek at ${seq}`);
      return seekAnswer(index);
    },
    entries: async (afterSeq) => ({
      entries: copy(everyEntry.filter((e) => e.seq > afterSeq).slice(0, 500)),
      last_seq: lastSeq,
    }),
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

  it("plays at 60x from a scrubbed instant and the feed follows to the end", async () => {
    const timeline = new Timeline(minutesOf(everyEntry), lastSeq);
    let changes = 0;
    const state = new ReplayState();
    const player = new Player(state, source, timeline, () => (changes += 1));
    await player.seekTo(fixture.instants[0]!.seq);
    const top = state.feed(1)[0]!.id;
    player.play(60);
    for (let step = 0; step < 40 && state.seq < lastSeq; step++) {
      player.tick(1_000);
      await settle();
    }
    expect(state.seq).toBe(lastSeq);
    expect(state.feed(1)[0]!.id).toBeGreaterThan(top);
    expect(changes).toBeGreaterThan(2);
    const end = new ReplayState();
    end.load(seekAnswer(fixture.seeks.length - 1));
    expect(state.feed(300).map(row)).toEqual(end.feed(300).map(row));
  });

  it("stands still while paused", async () => {
    const timeline = new Timeline(minutesOf(everyEntry), lastSeq);
    const state = new ReplayState();
    const player = new Player(state, source, timeline, () => {});
    await player.seekTo(fixture.instants[1]!.seq);
    player.tick(60_000);
    await settle();
    expect(state.seq).toBe(fixture.instants[1]!.seq);
  });
});
