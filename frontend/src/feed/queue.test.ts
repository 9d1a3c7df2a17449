import { describe, expect, it } from "vitest";
import { makeMention } from "../testing/make";
import { heirOf, queueRows, readMode, saveMode } from "./queue";
import type { Mention } from "./types";

const all = () => true;
const queueOrder = (mentions: Mention[], keep: (m: Mention) => boolean, limit: number) =>
  queueRows(mentions, keep, limit).map((row) => row.mention);
// A flood group's member: `seq` joined the group of the mention with seq `head`.
const copy = (seq: number, head: number, overrides: Parameters<typeof makeMention>[1] = {}) =>
  makeMention(seq, { cluster_id: head + 1000, ...overrides });

describe("queueRows", () => {
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

describe("queueRows with flood groups", () => {
  it("lists a flood once, by its head, with its count, however high its copies rank", () => {
    const mentions = [
      makeMention(1, { priority: 10 }),
      copy(2, 1, { priority: 90 }),
      makeMention(3, { priority: 5 }),
      copy(4, 1, { priority: 90, author: { handle: "bot" } }),
      copy(5, 1, { priority: 90, author: { handle: "bot" } }),
    ];

    const rows = queueRows(mentions, all, 10);

    expect(rows.map((row) => [row.mention.seq, row.members.length])).toEqual([
      [1, 4],
      [3, 1],
    ]);
    expect(rows[0]?.members.map((m) => m.seq)).toEqual([5, 4, 2, 1]);
    expect(rows[0]?.authors).toEqual(["fan1", "fan2", "bot"]);
  });

  it("lists no copy of a post held or answered, nor of one it does not hold", () => {
    const mentions = [
      makeMention(1, { state: "claimed" }),
      copy(2, 1),
      makeMention(3, { state: "replied" }),
      copy(4, 3),
      copy(5, 99),
      makeMention(6),
    ];

    expect(queueOrder(mentions, all, 10).map((m) => m.seq)).toEqual([6]);
  });

  it("counts the copies that pass the filters, in any state; the limit counts rows", () => {
    const mentions = [
      makeMention(1, { priority: 50 }),
      copy(2, 1, { state: "dismissed" }),
      copy(3, 1, { network: "mastodon" }),
      makeMention(4, { priority: 40 }),
      copy(5, 4),
      copy(6, 4),
      makeMention(7, { priority: 30 }),
    ];

    const rows = queueRows(mentions, (m) => m.network === "x", 2);

    expect(rows.map((row) => [row.mention.seq, row.members.map((m) => m.seq)])).toEqual([
      [1, [2, 1]],
      [4, [6, 5, 4]],
    ]);
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
