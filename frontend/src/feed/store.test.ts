import { describe, expect, it } from "vitest";
import { makeMention } from "../testing/make";
import { MentionStore } from "./store";

const seqs = (store: MentionStore): number[] => store.newest(1_000).map((m) => m.seq);

describe("MentionStore", () => {
  it("keeps mentions ordered by seq, newest first when read", () => {
    const store = new MentionStore(100);

    store.addMany([makeMention(1), makeMention(2), makeMention(3)]);

    expect(seqs(store)).toEqual([3, 2, 1]);
    expect(store.newestSeq).toBe(3);
  });

  it("puts an older mention in its place and answers what it added, in seq order", () => {
    const store = new MentionStore(100);
    store.addMany([makeMention(1), makeMention(5)]);

    const added = store.addMany([makeMention(6), makeMention(3), makeMention(2)]);

    expect(added.map((m) => m.seq)).toEqual([2, 3, 6]);
    expect(seqs(store)).toEqual([6, 5, 3, 2, 1]);
  });

  it("adds each mention once, by id and by seq", () => {
    const store = new MentionStore(100);
    store.addMany([makeMention(1), makeMention(2)]);

    const added = store.addMany([
      makeMention(2),
      makeMention(1, { id: 9_999 }),
      makeMention(3),
      makeMention(3),
    ]);

    expect(added.map((m) => m.seq)).toEqual([3]);
    expect(seqs(store)).toEqual([3, 2, 1]);
  });

  it("holds at most its capacity, letting the oldest go for good", () => {
    const store = new MentionStore(3);

    store.addMany([1, 2, 3, 4, 5].map((seq) => makeMention(seq)));
    const late = store.addMany([makeMention(1), makeMention(2)]);

    expect(seqs(store)).toEqual([5, 4, 3]);
    expect(store.size).toBe(3);
    expect(late).toEqual([]);
    expect(store.has(makeMention(1).id)).toBe(false);
  });

  it("does not answer mentions that were trimmed in the same batch", () => {
    const store = new MentionStore(2);

    const added = store.addMany([1, 2, 3, 4].map((seq) => makeMention(seq)));

    expect(added.map((m) => m.seq)).toEqual([3, 4]);
  });

  it("filters while reading the newest", () => {
    const store = new MentionStore(100);
    store.addMany([1, 2, 3, 4, 5, 6].map((seq) => makeMention(seq)));

    const even = store.newest(2, (m) => m.seq % 2 === 0);

    expect(even.map((m) => m.seq)).toEqual([6, 4]);
  });

  it("on reset, replaces what it held up to the position and keeps what came after", () => {
    const store = new MentionStore(100);
    store.addMany([1, 2, 3].map((seq) => makeMention(seq)));
    store.addMany([makeMention(51), makeMention(52)]); // arrived on the socket after the reset

    store.reset([makeMention(50), makeMention(49), makeMention(48)], 50);

    expect(seqs(store)).toEqual([52, 51, 50, 49, 48]);
    expect(store.has(makeMention(1).id)).toBe(false);
    expect(store.addMany([makeMention(52), makeMention(53)]).map((m) => m.seq)).toEqual([53]);
  });

  it("ignores snapshot items past the reset position (the socket brings those)", () => {
    const store = new MentionStore(100);

    store.reset([makeMention(11), makeMention(10)], 10);

    expect(seqs(store)).toEqual([10]);
  });

  it("on reset, drops held mentions up to the position that the snapshot lacks", () => {
    const store = new MentionStore(100);
    store.addMany([1, 2, 3].map((seq) => makeMention(seq)));

    store.reset([makeMention(3), makeMention(1)], 3);

    expect(seqs(store)).toEqual([3, 1]);
    expect(store.has(makeMention(2).id)).toBe(false);
  });

  describe("hold (older mentions for the queue)", () => {
    it("keeps older mentions beside the list, out of newest, reachable by id", () => {
      const store = new MentionStore(100);
      store.reset([makeMention(50), makeMention(60)], 60);

      const added = store.hold([makeMention(10), makeMention(20)]);

      expect(added.map((m) => m.seq)).toEqual([10, 20]);
      expect(seqs(store)).toEqual([60, 50]);
      expect(store.size).toBe(2);
      expect(store.get(makeMention(10).id)?.seq).toBe(10);
      expect([...store.all()].map((m) => m.seq).sort((a, b) => a - b)).toEqual([10, 20, 50, 60]);
    });

    it("refuses what the list holds or will hold, and what it holds already", () => {
      const store = new MentionStore(100);
      store.reset([makeMention(50), makeMention(60)], 60);
      const first = makeMention(10, { text: "first copy" });
      store.hold([first]);

      // 50 is in the list, 55 is inside its range, 70 will arrive on the socket.
      const added = store.hold([
        makeMention(10, { text: "second copy" }),
        makeMention(50),
        makeMention(55),
        makeMention(70),
      ]);

      expect(added).toEqual([]);
      expect(store.get(first.id)).toBe(first); // journal updates made to it are kept
      expect(store.olderSize).toBe(1);
      // The live stream's mention 70 still enters the list.
      expect(store.addMany([makeMention(70)]).map((m) => m.seq)).toEqual([70]);
    });

    it("holds nothing while the list is empty: everything will arrive on the socket", () => {
      const store = new MentionStore(100);
      expect(store.hold([makeMention(3)])).toEqual([]);
    });

    it("is bounded, letting the oldest go first", () => {
      const store = new MentionStore(100);
      store.reset([makeMention(100)], 100);

      store.hold([makeMention(1), makeMention(2), makeMention(3)], 2);

      expect(store.olderSize).toBe(2);
      expect(store.has(makeMention(1).id)).toBe(false);
      expect(store.has(makeMention(3).id)).toBe(true);
    });

    it("stays when the list trims, and is let go by a reset", () => {
      const store = new MentionStore(2);
      store.reset([makeMention(10), makeMention(11)], 11);
      store.hold([makeMention(5)]);

      store.addMany([makeMention(12), makeMention(13)]);
      expect(store.has(makeMention(5).id)).toBe(true);
      expect(seqs(store)).toEqual([13, 12]);

      store.reset([makeMention(13)], 13);
      expect(store.has(makeMention(5).id)).toBe(false);
      expect(store.olderSize).toBe(0);
    });
  });
});
