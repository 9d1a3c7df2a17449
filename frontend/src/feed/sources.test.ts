import { describe, expect, it } from "vitest";
import { entry } from "../testing/make";
import { SourceBoard } from "./sources";

const state = (status: string, extra: Record<string, unknown> = {}) => ({
  source_id: 3,
  status,
  since: "2026-12-01T20:00:00.000Z",
  message: null,
  reconnecting_since: null,
  rate_limited_until: null,
  last_item_at: null,
  items_per_minute: 0,
  malformed: 0,
  ...extra,
});

describe("SourceBoard", () => {
  it("follows a source's state from load through its state entries", () => {
    const board = new SourceBoard();
    board.load([{ id: 3, kind: "x", status: "running", error: null, state: null }]);
    board.apply([entry(10, "source.state_changed", state("connected", { items_per_minute: 12 }))]);
    expect(board.get(3)?.state?.status).toBe("connected");
    expect(board.get(3)?.state?.items_per_minute).toBe(12);

    board.apply([entry(11, "source.state_changed", state("refused", { message: "bad token" }))]);
    expect(board.get(3)?.state?.status).toBe("refused");
    expect(board.get(3)?.state?.message).toBe("bad token");
  });

  it("drops a stopped source from the running ones", () => {
    const board = new SourceBoard();
    board.apply([entry(1, "source.started", { id: 4, kind: "mastodon", status: "running" })]);
    expect(board.running.map((s) => s.id)).toEqual([4]);
    board.apply([entry(2, "source.stopped", { id: 4, kind: "mastodon", status: "stopped" })]);
    expect(board.running).toEqual([]);
  });

  it("opens a gap and closes it with whether the back-fill covered it", () => {
    const board = new SourceBoard();
    const from = "2026-12-01T20:00:00.000Z";
    board.apply([entry(5, "source.gap_opened", { source_id: 3, network: "x", from_at: from })]);
    expect(board.gaps).toEqual([
      { sourceId: 3, network: "x", fromAt: from, toAt: null, backfilled: null, seq: 5 },
    ]);
    board.apply([
      entry(9, "source.gap_closed", {
        source_id: 3,
        from_at: from,
        to_at: "2026-12-01T20:00:30.000Z",
        backfilled: true,
      }),
    ]);
    expect(board.gaps[0]?.toAt).toBe("2026-12-01T20:00:30.000Z");
    expect(board.gaps[0]?.backfilled).toBe(true);
  });

  it("does not open a gap twice when a reset replays its entry", () => {
    const board = new SourceBoard();
    const opened = entry(5, "source.gap_opened", { source_id: 3, network: "x", from_at: "t" });
    board.apply([opened]);
    expect(board.apply([opened])).toBe(false);
    expect(board.gaps).toHaveLength(1);
  });

  it("ignores malformed entries", () => {
    const board = new SourceBoard();
    expect(board.apply([entry(1, "source.state_changed", { status: 3 })])).toBe(false);
    expect(board.apply([entry(2, "source.gap_closed", { source_id: 9, from_at: "x" })])).toBe(false);
  });
});
