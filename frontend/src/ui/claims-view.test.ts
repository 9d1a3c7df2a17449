import { beforeEach, describe, expect, it } from "vitest";
import { makeMention } from "../testing/make";
import type { HeldClaim } from "../triage/my-claims";
import { ClaimsView, leaseLeft } from "./claims-view";

let opened: number[];
let view: ClaimsView;
const list = () => document.querySelector("#list") as HTMLElement;

const held = (seq: number, leaseUntil: number, draft: string | null = null): HeldClaim => ({
  mentionId: seq + 1000,
  fence: 1,
  leaseUntil,
  draft,
  mention: makeMention(seq),
});

beforeEach(() => {
  document.body.innerHTML = '<span id="count"></span><ol id="list"></ol><p id="empty"></p>';
  opened = [];
  view = new ClaimsView(
    {
      list: list(),
      count: document.querySelector("#count") as HTMLElement,
      empty: document.querySelector("#empty") as HTMLElement,
    },
    (id) => opened.push(id),
  );
});

describe("leaseLeft", () => {
  it("counts down in minutes and seconds, rounding up", () => {
    expect(leaseLeft(90_000)).toBe("1:30");
    expect(leaseLeft(8_200)).toBe("0:09");
    expect(leaseLeft(0)).toBe("ended");
  });
});

describe("ClaimsView", () => {
  it("lists the claims with their time left, the open one marked", () => {
    view.render([held(1, 60_000, "Thanks"), held(2, 95_000)], 1002, 0);

    const rows = [...list().querySelectorAll<HTMLElement>(".claim")];
    const left = rows.map((row) => row.querySelector(".claim-left")?.textContent);
    expect(left).toEqual(["1:00", "1:35"]);
    expect(rows[0]?.querySelector(".claim-draft")?.textContent).toBe("Draft: Thanks");
    expect(rows[1]?.getAttribute("aria-current")).toBe("true");
    expect(document.querySelector("#count")?.textContent).toBe("2");
    expect((document.querySelector("#empty") as HTMLElement).hidden).toBe(true);
  });

  it("ticks down and marks a lease about to end", () => {
    view.render([held(1, 60_000)], null, 0);

    view.tick(45_000);

    const row = list().querySelector(".claim");
    expect(row?.querySelector(".claim-left")?.textContent).toBe("0:15");
    expect(row?.classList.contains("is-urgent")).toBe(true);
  });

  it("opens a claim on click (or Enter) and keeps the focus through a re-render", () => {
    view.render([held(1, 60_000), held(2, 70_000)], null, 0);
    const second = list().querySelectorAll<HTMLButtonElement>(".claim")[1];
    second?.focus();
    second?.click();

    view.render([held(1, 80_000), held(2, 70_000)], null, 0);

    expect(opened).toEqual([1002]);
    expect((document.activeElement as HTMLElement | null)?.dataset.id).toBe("1002");
  });
});
