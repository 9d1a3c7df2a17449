import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mentionEntry } from "../testing/make";
import {
  type ConnectionState,
  type SocketLike,
  type StreamCallbacks,
  StreamClient,
} from "./client";
import type { JournalEntry } from "./protocol";

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  closedWith: number | null = null;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(readonly url: string) {}

  open(lastSeq = 0): void {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
    this.receive({ type: "hello", connection_id: "c1", event_id: 7, last_seq: lastSeq });
  }

  receive(frame: unknown): void {
    this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(frame) }));
  }

  serverClose(code: number): void {
    this.readyState = 3;
    this.onclose?.(new CloseEvent("close", { code }));
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(code?: number): void {
    this.readyState = 3;
    this.closedWith = code ?? 1000;
  }
}

let sockets: FakeSocket[];
let entries: JournalEntry[];
let states: ConnectionState[];
let resets: number[];
let probeAnswer: string | null;
let online: boolean;

function makeClient(): StreamClient {
  const callbacks: StreamCallbacks = {
    onEntries: (batch) => entries.push(...batch),
    onPresence: () => undefined,
    onReset: (lastSeq) => resets.push(lastSeq),
    onState: (state) => states.push(state),
    probe: () => Promise.resolve(probeAnswer),
  };
  return new StreamClient({
    url: (afterSeq) => `ws://desk/ws/events/7?after_seq=${afterSeq}`,
    callbacks,
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    random: () => 0,
    online: () => online,
  });
}

const last = (): FakeSocket => {
  const socket = sockets.at(-1);
  if (!socket) throw new Error("no socket opened");
  return socket;
};
const frameOf = (...seqs: number[]) => ({
  type: "entries",
  entries: seqs.map((seq) => mentionEntry(seq)),
});

beforeEach(() => {
  vi.useFakeTimers();
  sockets = [];
  entries = [];
  states = [];
  resets = [];
  probeAnswer = null;
  online = true;
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("StreamClient", () => {
  it("connects after the position it was given and goes live on hello", () => {
    const client = makeClient();

    client.start(812);
    last().open(812);

    expect(last().url).toBe("ws://desk/ws/events/7?after_seq=812");
    expect(states.map((s) => s.kind)).toEqual(["connecting", "live"]);
    expect(JSON.parse(last().sent[0] ?? "")).toEqual({ type: "view", viewing: "feed" });
  });

  it("resumes from the last seq received, with nothing missing or doubled", async () => {
    const client = makeClient();
    client.start(0);
    last().open();
    last().receive(frameOf(1, 2, 3));

    last().serverClose(1006);
    expect(states.at(-1)).toMatchObject({ kind: "reconnecting", retryAt: Date.now() + 250 });
    await vi.advanceTimersByTimeAsync(250);
    expect(last().url).toBe("ws://desk/ws/events/7?after_seq=3");
    last().open(5);
    last().receive(frameOf(2, 3, 4));
    last().receive(frameOf(5));

    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(client.lastSeq).toBe(5);
    expect(sockets).toHaveLength(2);
  });

  it("reconnects from its position when it sees a gap", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const client = makeClient();
    client.start(0);
    last().open();

    last().receive(frameOf(1, 2, 4, 5));

    expect(entries.map((e) => e.seq)).toEqual([1, 2]);
    expect(sockets[0]?.closedWith).toBe(4001);
    await vi.advanceTimersByTimeAsync(250);
    expect(last().url).toContain("after_seq=2");
    expect(warn).toHaveBeenCalledOnce();
  });

  it("moves its position on reset and asks for a reload as of it", () => {
    const client = makeClient();
    client.start(10);
    last().open(90_000);

    last().receive({ type: "reset", reason: "too far behind to replay", last_seq: 90_000 });
    last().receive(frameOf(90_001));

    expect(resets).toEqual([90_000]);
    expect(entries.map((e) => e.seq)).toEqual([90_001]);
    expect(client.lastSeq).toBe(90_001);
  });

  it("resumes in the epoch its hello named, and in the new one after a reset", async () => {
    const client = makeClient();
    client.start(0);
    last().receive({ type: "hello", connection_id: "c1", event_id: 7, last_seq: 3, epoch: "e1" });
    last().receive(frameOf(1, 2, 3));
    last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(250);
    expect(last().url).toBe("ws://desk/ws/events/7?after_seq=3&epoch=e1");

    // The database was reset meanwhile: the server says so, and names its history.
    last().receive({ type: "hello", connection_id: "c2", event_id: 7, last_seq: 40, epoch: "e2" });
    last().receive({ type: "reset", reason: "another history", last_seq: 40, epoch: "e2" });
    last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(500); // the second attempt in a row backs off more

    expect(resets).toEqual([40]);
    expect(client.currentEpoch).toBe("e2");
    expect(last().url).toBe("ws://desk/ws/events/7?after_seq=40&epoch=e2");
  });

  it("sends the epoch it started with on its first connection", () => {
    const client = makeClient();
    client.start(12, "a1b2");

    expect(last().url).toBe("ws://desk/ws/events/7?after_seq=12&epoch=a1b2");
  });

  it("after its login ended, reconnects once and stops if the handshake is refused", async () => {
    const client = makeClient();
    client.start(0);
    last().open();
    last().serverClose(4401);
    await vi.advanceTimersByTimeAsync(250);
    probeAnswer = "Log in again.";
    last().serverClose(1006); // refused before it opened (a 403, which browsers hide)
    await vi.advanceTimersByTimeAsync(0);

    expect(sockets).toHaveLength(2);
    expect(states.at(-1)).toEqual({ kind: "offline", reason: "Log in again.", final: true });
    expect(client.lastSeq).toBe(0);
  });

  it("pings every 10 s and gives up on a server silent for 25 s", async () => {
    const client = makeClient();
    client.start(0);
    last().open();

    await vi.advanceTimersByTimeAsync(10_000);
    expect(last().sent.filter((m) => m.includes('"ping"'))).toHaveLength(1);
    last().receive({ type: "pong" });
    await vi.advanceTimersByTimeAsync(26_000);

    expect(sockets[0]?.closedWith).toBe(4001);
    expect(states.at(-1)).toMatchObject({ kind: "reconnecting" });
    await vi.advanceTimersByTimeAsync(500);
    expect(sockets).toHaveLength(2);
    expect(client.lastSeq).toBe(0);
  });

  it("backs off more after each failed attempt, and resets once a socket stays up", async () => {
    const client = makeClient();
    client.start(0);
    last().open();
    const delays: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      last().serverClose(1011);
      const state = states.at(-1);
      if (state?.kind === "reconnecting" && state.retryAt) delays.push(state.retryAt - Date.now());
      await vi.advanceTimersByTimeAsync(20_000);
      last().open();
    }
    await vi.advanceTimersByTimeAsync(10_000);
    last().serverClose(1011);
    const state = states.at(-1);
    const wait = state?.kind === "reconnecting" && state.retryAt ? state.retryAt - Date.now() : 0;

    expect(delays).toEqual([250, 500, 1_000]);
    expect(wait).toBe(250);
  });

  it("waits before reconnecting after 1008, and stops for good on 4404", async () => {
    const client = makeClient();
    client.start(0);
    last().open();

    last().serverClose(1008);
    await vi.advanceTimersByTimeAsync(4_900);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(sockets).toHaveLength(2);
    last().serverClose(4404);
    await vi.advanceTimersByTimeAsync(60_000);

    expect(sockets).toHaveLength(2);
    expect(states.at(-1)).toEqual({
      kind: "offline",
      reason: "This event no longer exists.",
      final: true,
    });
  });

  it("asks the HTTP API why a handshake failed, and stops when told to", async () => {
    const client = makeClient();
    probeAnswer = "Your session ended.";
    client.start(0);

    last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(0);

    expect(states.at(-1)).toEqual({ kind: "offline", reason: "Your session ended.", final: true });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
  });

  it("shows offline without a network, and tries again as soon as it is back", async () => {
    const client = makeClient();
    client.start(3);
    last().open(3);

    online = false;
    client.networkLost();
    expect(sockets[0]?.closedWith).toBe(4001);
    expect(states.at(-1)?.kind).toBe("offline");
    online = true;
    client.networkBack();

    expect(sockets).toHaveLength(2);
    expect(last().url).toContain("after_seq=3");
  });

  it("ignores the network coming and going before it has a position to resume from", () => {
    const client = makeClient();

    client.networkLost();
    client.networkBack();

    expect(sockets).toHaveLength(0);
    expect(states).toEqual([]);
  });

  it("sends what it looks at no more than every 150 ms, the latest winning", async () => {
    const client = makeClient();
    client.start(0);
    last().open();

    for (const id of [1, 2, 3, 4]) client.view(`mention:${id}`);
    const views = () => last().sent.filter((m) => m.includes('"view"'));
    expect(views()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(149);
    expect(views()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);

    expect(views().map((m) => JSON.parse(m).viewing)).toEqual(["feed", "mention:4"]);
  });

  it("says when its operator is typing, and leaves typing out when they are not", async () => {
    const client = makeClient();
    client.start(0);
    last().open();
    const views = () =>
      last()
        .sent.filter((m) => m.includes('"view"'))
        .map((m) => JSON.parse(m));

    client.view("mention:4", true);
    await vi.advanceTimersByTimeAsync(300);
    client.view("mention:4", true); // a keystroke more changes nothing to send
    await vi.advanceTimersByTimeAsync(300);
    client.view("mention:4", false);
    await vi.advanceTimersByTimeAsync(300);

    expect(views()).toEqual([
      { type: "view", viewing: "feed" },
      { type: "view", viewing: "mention:4", typing: true },
      { type: "view", viewing: "mention:4" },
    ]);
  });
});
