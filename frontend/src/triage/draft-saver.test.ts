import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DraftSaver } from "./draft-saver";

let text: string;
let saves: string[];
let answer: () => Promise<void>;

beforeEach(() => {
  vi.useFakeTimers();
  text = "";
  saves = [];
  answer = () => Promise.resolve();
});

afterEach(() => {
  vi.useRealTimers();
});

const makeSaver = () =>
  new DraftSaver({
    save: (draft) => {
      saves.push(draft);
      return answer();
    },
    read: () => text,
  });

describe("DraftSaver", () => {
  it("saves a second after the last keystroke, once", async () => {
    const saver = makeSaver();
    saver.start("");

    text = "Th";
    saver.changed();
    await vi.advanceTimersByTimeAsync(600);
    text = "Thanks";
    saver.changed();
    await vi.advanceTimersByTimeAsync(999);
    expect(saves).toEqual([]);
    expect(saver.pending).toBe(true);

    await vi.advanceTimersByTimeAsync(1);
    expect(saves).toEqual(["Thanks"]);
    expect(saver.pending).toBe(false);
  });

  it("renews every 20 s while open, even with nothing new typed", async () => {
    const saver = makeSaver();
    text = "restored";
    saver.start("restored");

    await vi.advanceTimersByTimeAsync(40_000);
    expect(saves).toEqual(["restored", "restored"]);

    saver.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(saves).toHaveLength(2);
  });

  it("does not send a draft the server already has", async () => {
    const saver = makeSaver();
    text = "same";
    saver.start("same");

    saver.changed();
    await vi.advanceTimersByTimeAsync(1_000);

    expect(saves).toEqual([]);
  });

  it("never overlaps two saves, and sends the latest text after the one in flight", async () => {
    let finish: () => void = () => undefined;
    answer = () => new Promise<void>((resolve) => (finish = resolve));
    const saver = makeSaver();
    saver.start("");

    text = "one";
    saver.changed();
    await vi.advanceTimersByTimeAsync(1_000);
    text = "one two";
    saver.changed();
    await vi.advanceTimersByTimeAsync(1_000);
    text = "one two three";
    expect(saves).toEqual(["one"]);

    answer = () => Promise.resolve();
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(saves).toEqual(["one", "one two three"]);
  });

  it("keeps the text pending after a failed save, and a later keystroke tries again", async () => {
    answer = () => Promise.reject(new Error("offline"));
    const saver = makeSaver();
    saver.start("");

    text = "lost?";
    saver.changed();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(saver.pending).toBe(true);

    answer = () => Promise.resolve();
    saver.changed();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(saves).toEqual(["lost?", "lost?"]);
    expect(saver.pending).toBe(false);
  });

  it("sends what failed at once when the connection is back, not at the next renewal", async () => {
    answer = () => Promise.reject(new Error("offline"));
    const saver = makeSaver();
    saver.start("");
    text = "typed offline";
    saver.changed();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(saves).toEqual(["typed offline"]);

    answer = () => Promise.resolve();
    saver.flush();
    await vi.advanceTimersByTimeAsync(0);

    expect(saves).toEqual(["typed offline", "typed offline"]);
    expect(saver.pending).toBe(false);
    saver.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(saves).toHaveLength(2);
  });

  it("does nothing once stopped", async () => {
    const saver = makeSaver();
    saver.start("");
    text = "x";
    saver.changed();
    saver.stop();
    saver.changed();

    await vi.advanceTimersByTimeAsync(30_000);

    expect(saves).toEqual([]);
  });

  it("keeps one renewal timer when started again (after a failed send)", async () => {
    const saver = makeSaver();
    saver.start("");
    saver.start("");

    await vi.advanceTimersByTimeAsync(20_000);

    expect(saves).toEqual([""]);
  });
});
