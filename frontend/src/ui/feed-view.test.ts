import { beforeEach, describe, expect, it } from "vitest";
import type { Mention } from "../feed/types";
import { OLIVE, makeMention, makeReply } from "../testing/make";
import { FeedView } from "./feed-view";

const TRACKED = new Set<string>();
let list: HTMLElement;
let selections: (number | null)[];

const rows = (): number[] =>
  [...list.querySelectorAll<HTMLElement>(".mention")].map((row) => Number(row.dataset.seq));
const mentions = (...seqs: number[]): Mention[] => seqs.map((seq) => makeMention(seq));

beforeEach(() => {
  document.body.innerHTML = '<div id="feed"></div>';
  list = document.querySelector("#feed") as HTMLElement;
  selections = [];
});

const makeView = (limit = 5) =>
  new FeedView(list, limit, (mention) => selections.push(mention?.seq ?? null));

describe("FeedView", () => {
  it("shows the newest on top and never more rows than its limit", () => {
    const view = makeView(5);

    view.prepend(mentions(1, 2, 3), TRACKED);
    view.prepend(mentions(4, 5, 6, 7), TRACKED);

    expect(rows()).toEqual([7, 6, 5, 4, 3]);
    expect(view.topSeq).toBe(7);
  });

  it("renders only the newest of a batch larger than the list", () => {
    const view = makeView(3);

    view.prepend(mentions(...Array.from({ length: 1_000 }, (_, i) => i + 1)), TRACKED);

    expect(rows()).toEqual([1_000, 999, 998]);
  });

  it("reuses the rows it keeps when the list is rebuilt", () => {
    const view = makeView(5);
    view.prepend(mentions(1, 2, 3), TRACKED);
    const kept = list.querySelector('[data-seq="2"]');

    view.replace(mentions(4, 2), TRACKED);

    expect(rows()).toEqual([4, 2]);
    expect(list.querySelector('[data-seq="2"]')).toBe(kept);
  });

  it("moves the selection with j and k within the rows shown", () => {
    const view = makeView(5);
    view.prepend(mentions(1, 2, 3), TRACKED);

    view.move(1);
    view.move(1);
    view.move(1);
    view.move(1);
    view.move(-1);

    expect(selections).toEqual([3, 2, 1, 2]);
    expect(list.querySelector(".is-selected")?.getAttribute("data-seq")).toBe("2");
    expect(list.querySelectorAll(".is-selected")).toHaveLength(1);
  });

  it("lets go of the selection when its row leaves the list", () => {
    const view = makeView(2);
    view.prepend(mentions(1, 2), TRACKED);
    view.move(1);
    view.move(1);

    view.prepend(mentions(3, 4), TRACKED);

    expect(selections).toEqual([2, 1, null]);
    expect(view.selected).toBeNull();
  });

  it("marks the rows others have open", () => {
    const view = makeView(5);
    view.prepend(mentions(1, 2), TRACKED);

    view.setViewers(new Map([[makeMention(2).id, ["Pat"]]]));
    view.prepend(mentions(3), TRACKED);

    expect(list.querySelector('[data-seq="2"] .m-viewers')?.textContent).toBe("👁 Pat");
    expect(list.querySelector('[data-seq="1"] .m-viewers')?.textContent).toBe("");
  });

  it("updates a claimed row in place, and redraws nothing", () => {
    const view = new FeedView(list, 5, () => undefined, { me: "quinn" });
    const [first, second] = mentions(1, 2);
    if (!first || !second) throw new Error("two mentions");
    view.prepend([first, second], TRACKED);
    const node = list.querySelector('[data-seq="2"]');

    second.claim = { holder: OLIVE, fence: 1, lease_until: "2026-02-08T20:02:30Z" };
    second.state = "claimed";
    view.refresh([second]);

    expect(list.querySelector('[data-seq="2"]')).toBe(node);
    expect(node?.querySelector(".m-holder")?.textContent).toBe("Held by Olive");
    expect(node?.classList.contains("is-held")).toBe(true);
    expect(list.querySelector('[data-seq="1"] .m-claim')?.textContent).toBe("");
  });

  it("shows who is typing, and hands a failed reply's Retry to its owner", () => {
    const retried: number[] = [];
    const edited: number[] = [];
    const view = new FeedView(list, 5, () => undefined, {
      me: "olive",
      onRetry: (id) => retried.push(id),
      onEditReply: (mention) => edited.push(mention.id),
    });
    const failed = makeMention(1, {
      state: "replied",
      reply: makeReply(1001, { id: 12, status: "failed", last_error: "403 Forbidden" }),
    });
    view.prepend([failed], TRACKED);

    view.setViewers(new Map(), new Map([[failed.id, ["Olive"]]]));
    list.querySelector<HTMLButtonElement>(".m-retry")?.click();
    list.querySelector<HTMLButtonElement>(".m-edit-reply")?.click();
    expect(edited).toEqual([failed.id]);

    expect(list.querySelector(".m-typing")?.textContent).toBe("Olive is typing…");
    expect(retried).toEqual([12]);
    expect(view.selected).toBeNull(); // the button is not a click on the row
  });

  it("hands a tag's × to its owner, with the row's mention, and selects nothing", () => {
    const untagged: [number, string][] = [];
    const onUntag = (id: number, tag: string) => untagged.push([id, tag]);
    const view = new FeedView(list, 5, () => undefined, { onUntag });
    view.prepend([makeMention(1, { tags: ["prize", "vip"] })], TRACKED);

    list.querySelector<HTMLButtonElement>('[data-untag="vip"]')?.click();

    expect(untagged).toEqual([[1001, "vip"]]);
    expect(view.selected).toBeNull();
  });

  it("shows the state a reload brought on a row it keeps", () => {
    const view = makeView(5);
    view.prepend(mentions(1), TRACKED);

    view.replace([makeMention(1, { state: "dismissed" })], TRACKED);

    expect(list.querySelector(".m-state")?.textContent).toBe("Dismissed");
  });

  it("rebuilds by moving only the rows out of place", () => {
    const view = makeView(5);
    view.replace(mentions(5, 4, 3, 2, 1), TRACKED);
    const changes: MutationRecord[] = [];
    const observer = new MutationObserver((records) => changes.push(...records));
    observer.observe(list, { childList: true });

    view.replace(mentions(5, 4, 2, 1), TRACKED); // 3 left the queue
    view.replace(mentions(5, 9, 4, 2, 1), TRACKED); // 9 entered at its place
    changes.push(...observer.takeRecords());
    observer.disconnect();

    expect(rows()).toEqual([5, 9, 4, 2, 1]);
    const touched = changes.flatMap((c) => [...c.addedNodes, ...c.removedNodes]);
    expect(touched.map((node) => Number((node as HTMLElement).dataset.seq))).toEqual([3, 9]);
  });

  it("hands a departed selection to the row taking its place when asked to", () => {
    const view = makeView(5);
    view.replace(mentions(1, 2, 3, 4), TRACKED);
    view.select(makeMention(2).id, false);

    view.replace(mentions(9, 1, 2, 3, 4), TRACKED, true);
    expect(view.selected?.seq).toBe(2); // others moving around it do not move it

    view.replace(mentions(9, 1, 3, 4), TRACKED, true);
    expect(view.selected?.seq).toBe(3);
    expect(list.querySelector(".is-selected")?.getAttribute("data-seq")).toBe("3");
    expect(document.activeElement).toBe(list.querySelector(".is-selected"));
    expect(selections).toEqual([2, 3]);

    // Without it (the live list), a departed selection is cleared.
    view.replace(mentions(9, 1, 4), TRACKED);
    expect(view.selected).toBeNull();
    expect(selections).toEqual([2, 3, null]);
  });

  it("does not take the focus from elsewhere when the selection moves on", () => {
    document.body.insertAdjacentHTML("beforeend", '<input id="search">');
    const search = document.querySelector<HTMLInputElement>("#search") as HTMLInputElement;
    const view = makeView(5);
    view.replace(mentions(1, 2, 3), TRACKED);
    view.select(makeMention(2).id, false);
    search.focus();

    view.replace(mentions(1, 3), TRACKED, true);

    expect(view.selected?.seq).toBe(3);
    expect(document.activeElement).toBe(search);
  });

  it("shows each mention's priority as a badge that says what it is", () => {
    const view = makeView(5);
    view.replace([makeMention(1, { priority: 42 })], TRACKED);

    const badge = list.querySelector<HTMLElement>(".m-priority");
    expect(badge?.textContent).toBe("P 42");
    expect(badge?.title).toContain("Priority 42");
  });
});
