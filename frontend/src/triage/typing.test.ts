import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TypingTracker, ViewReport } from "./typing";

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("TypingTracker", () => {
  it("says typing at the first keystroke and idle three seconds after the last", () => {
    const changes: boolean[] = [];
    const typing = new TypingTracker((value) => changes.push(value));

    typing.keystroke();
    vi.advanceTimersByTime(2_000);
    typing.keystroke();
    typing.keystroke();
    vi.advanceTimersByTime(2_999);
    expect(changes).toEqual([true]);
    expect(typing.typing).toBe(true);

    vi.advanceTimersByTime(1);
    expect(changes).toEqual([true, false]);
    expect(typing.typing).toBe(false);
  });

  it("stops at once when the composer closes, and only once", () => {
    const changes: boolean[] = [];
    const typing = new TypingTracker((value) => changes.push(value));

    typing.keystroke();
    typing.stop();
    typing.stop();
    vi.advanceTimersByTime(5_000);

    expect(changes).toEqual([true, false]);
  });
});

describe("ViewReport", () => {
  it("reports the composer's mention over the selection, typing only while composing", () => {
    const sent: [string, boolean][] = [];
    const report = new ViewReport((viewing, typing) => sent.push([viewing, typing]));

    report.select(4);
    report.setTyping(true); // a stray keystroke with no composer open is not typing a reply
    report.compose(9);
    report.setTyping(true);
    report.select(5);
    report.compose(null);
    report.select(null);

    expect(sent).toEqual([
      ["mention:4", false],
      ["mention:4", false],
      ["mention:9", true],
      ["mention:9", true],
      ["mention:9", true],
      ["mention:5", false],
      ["feed", false],
    ]);
  });
});
