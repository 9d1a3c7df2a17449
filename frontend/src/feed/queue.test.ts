import { describe, expect, it } from "vitest";
import { makeMention } from "../testing/make";
import { heirOf, queueOrder, readMode, saveMode } from "./queue";

const all = () => true;

describe("queueOrder", () => {
  it("puts the highest priority first and, among equals, the oldest", () => {
    const mentions = [
      makeMention(1, { priority: 10 }),
      makeMention(2, { priority: 50 }),
      makeMention(3, { priority: 10 }),
      makeMention(4, { priority: 90 }),
      makeMention(5, { priority: 50 }),
    ];

    expect(queueOrder(mentions, all, 10).map((m) => m.seq)).toEqual([4, 2, 5, 1, 3]);
  });

  it("keeps only waiting mentions that pass the filters, up to the limit", () => {
    const mentions = [
      makeMention(1, { priority: 80, state: "claimed" }),
      makeMention(2, { priority: 70, state: "replied" }),
      makeMention(3, { priority: 60, state: "dismissed" }),
      makeMention(4, { priority: 50, network: "mastodon" }),
      makeMention(5, { priority: 40 }),
      makeMention(6, { priority: 30 }),
      makeMention(7, { priority: 20 }),
    ];

    const order = queueOrder(mentions, (m) => m.network === "x", 2);

    expect(order.map((m) => m.seq)).toEqual([5, 6]);
  });

  it("follows the state: a released claim is back in its place", () => {
    const held = makeMention(1, { priority: 99, state: "claimed" });
    const other = makeMention(2, { priority: 5 });
    expect(queueOrder([held, other], all, 10)).toEqual([other]);

    held.state = "new";
    expect(queueOrder([held, other], all, 10)).toEqual([held, other]);
  });
});

describe("heirOf", () => {
  it("keeps the selected mention wherever it moved", () => {
    expect(heirOf([1, 2, 3], [9, 3, 1, 2], 2)).toBe(2);
  });

  it("gives a departed selection to the row sliding into its place", () => {
    expect(heirOf([1, 2, 3, 4], [1, 3, 4], 2)).toBe(3);
    // Others moved too: the first one below it that stayed, wherever it is now.
    expect(heirOf([1, 2, 3, 4], [8, 4, 1], 2)).toBe(4);
  });

  it("falls back to the same index, then the last row, then nothing", () => {
    expect(heirOf([1, 2, 3], [7, 8, 9], 2)).toBe(8);
    expect(heirOf([1, 2, 3], [1, 2], 3)).toBe(2);
    expect(heirOf([1], [], 1)).toBeNull();
    expect(heirOf([1, 2], [1, 2], null)).toBeNull();
  });
});

describe("the remembered mode", () => {
  it("is per event and live when unknown or unreadable", () => {
    const saved = new Map<string, string>();
    const storage = {
      getItem: (key: string) => saved.get(key) ?? null,
      setItem: (key: string, value: string) => void saved.set(key, value),
    };

    expect(readMode(storage, 1)).toBe("live");
    saveMode(storage, 1, "queue");
    expect(readMode(storage, 1)).toBe("queue");
    expect(readMode(storage, 2)).toBe("live");
    const broken = {
      getItem: (): string | null => {
        throw new Error("denied");
      },
    };
    expect(readMode(broken, 1)).toBe("live");
    expect(readMode(null, 1)).toBe("live");
  });
});
