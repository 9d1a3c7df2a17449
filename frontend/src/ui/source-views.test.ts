import { beforeEach, describe, expect, it } from "vitest";
import type { Gap, SourceInfo } from "../feed/sources";
import { applyEntry } from "../triage/apply";
import { entry, makeMention } from "../testing/make";
import { FeedView } from "./feed-view";
import { GapMarkers, describeGap } from "./gap-markers";
import { renderMention } from "./mention-view";
import { describeSource } from "./source-states";

const TRACKED = new Set<string>();

const source = (state: Partial<NonNullable<SourceInfo["state"]>> | null): SourceInfo => ({
  id: 1,
  kind: "x",
  status: "running",
  error: null,
  state: state && {
    status: "connected",
    since: null,
    message: null,
    reconnecting_since: null,
    rate_limited_until: null,
    last_item_at: null,
    items_per_minute: 0,
    malformed: 0,
    ...state,
  },
});

describe("describeSource", () => {
  it("says connected with the rate, and X's reads against the cap", () => {
    const { words } = describeSource(
      source({ items_per_minute: 42, reads_month: 1200, reads_cap: 3000000 }),
    );
    expect(words).toContain("X · connected · 42/min");
    expect(words).toMatch(/1.200 \/ 3.000.000 reads this month/u);
  });

  it("says reconnecting, rate limited and refused with the reason", () => {
    expect(
      describeSource(source({ status: "reconnecting", reconnecting_since: "2026-12-01T20:00:00Z" }))
        .words,
    ).toMatch(/^X · reconnecting since /u);
    expect(describeSource(source({ status: "rate_limited" })).words).toMatch(/rate limited until/u);
    const refused = describeSource(source({ status: "refused", message: "check the token" }));
    expect(refused.words).toBe("X · credentials refused");
    expect(refused.detail).toContain("check the token");
  });
});

describe("gap markers", () => {
  let list: HTMLElement;
  beforeEach(() => {
    document.body.innerHTML = '<div id="feed"></div>';
    list = document.querySelector("#feed") as HTMLElement;
  });

  const gap = (overrides: Partial<Gap> = {}): Gap => ({
    sourceId: 1,
    network: "x",
    fromAt: "2026-12-01T20:00:00.000Z",
    toAt: null,
    backfilled: null,
    seq: 3,
    ...overrides,
  });

  it("say whether the back-fill closed the gap", () => {
    expect(describeGap(gap())).toMatch(/Gap in X: .* – now · disconnected/u);
    expect(describeGap(gap({ toAt: "2026-12-01T20:00:30.000Z", backfilled: true }))).toContain(
      "back-filled, nothing missed",
    );
    expect(describeGap(gap({ toAt: "2026-12-01T20:00:30.000Z", backfilled: false }))).toContain(
      "may be missing",
    );
  });

  it("sit where the gap opened and stay there when the list redraws", async () => {
    const view = new FeedView(list, 10, () => {});
    const markers = new GapMarkers(list);
    view.prepend([1, 2, 4, 5].map((seq) => makeMention(seq)), TRACKED);
    markers.show([gap({ seq: 3 })]);
    const order = () =>
      [...list.children].map((node) =>
        node.classList.contains("gap-marker") ? "gap" : (node as HTMLElement).dataset.seq,
      );
    expect(order()).toEqual(["5", "4", "gap", "2", "1"]);

    view.replace([6, 5, 4, 2, 1].map((seq) => makeMention(seq)), TRACKED);
    await Promise.resolve(); // the observer runs after the change
    expect(order()).toEqual(["6", "5", "4", "gap", "2", "1"]);
  });
});

describe("deleted and edited mentions", () => {
  it("are marked on their row, the text kept or replaced", () => {
    const mention = makeMention(1, { text: "Before" });
    const row = renderMention(mention, TRACKED);
    expect(applyEntry(mention, entry(5, "mention.edited", { mention_id: mention.id, text: "After", edited_at: "2026-12-01T20:00:00.000Z" }))).toBe(true);
    const refreshed = renderMention(mention, TRACKED);
    expect(refreshed.querySelector(".m-change")?.textContent).toBe("edited");
    expect(refreshed.querySelector(".m-text")?.textContent).toBe("After");

    expect(applyEntry(mention, entry(6, "mention.deleted", { mention_id: mention.id, deleted_at: "2026-12-01T20:01:00.000Z" }))).toBe(true);
    expect(applyEntry(mention, entry(7, "mention.deleted", { mention_id: mention.id, deleted_at: "2026-12-01T20:02:00.000Z" }))).toBe(false);
    const gone = renderMention(mention, TRACKED);
    expect(gone.classList.contains("is-deleted")).toBe(true);
    expect(gone.querySelector(".m-change")?.textContent).toBe("deleted");
    expect(gone.querySelector(".m-text")?.textContent).toBe("After");
    expect(row.classList.contains("is-deleted")).toBe(false);
  });
});
