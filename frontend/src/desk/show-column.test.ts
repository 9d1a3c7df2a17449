import { afterEach, describe, expect, it, vi } from "vitest";
import { loadCues, renderCues } from "./show-column";
import { ShowClockView } from "./show-clock-view";

const answer = (status: number, body: unknown) =>
  vi.fn(async () => new Response(JSON.stringify(body), { status }));

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the show column's cue sheet", () => {
  it("says so when the event has no cues", async () => {
    vi.stubGlobal("fetch", answer(200, []));
    const box = document.createElement("div");
    renderCues(box, await loadCues(1));
    expect(box.hidden).toBe(false);
    expect(box.textContent).toBe("No cues yet.");
  });

  it("lists the cues in running order with their drafts' readiness", async () => {
    const cue = (id: number, position: number, title: string) => ({
      id,
      title,
      position,
      trigger: "manual",
      armed: true,
      fire_count: 0,
      drafts: [
        { id: 1, title: "a", status: "approved" },
        { id: 2, title: "b", status: "draft" },
      ],
    });
    vi.stubGlobal("fetch", answer(200, [cue(8, 2, "Halftime"), cue(7, 1, "Kickoff")]));
    const box = document.createElement("div");
    renderCues(box, await loadCues(1));
    const titles = [...box.querySelectorAll(".cue-title")].map((node) => node.textContent);
    expect(titles).toEqual(["Kickoff", "Halftime"]);
    expect(box.querySelector(".cue-meta")?.textContent).toBe("1/2 approved");
  });

  it("hides when the server has no cue sheet", async () => {
    vi.stubGlobal("fetch", answer(404, { detail: "Not Found" }));
    const box = document.createElement("div");
    renderCues(box, await loadCues(1));
    expect(box.hidden).toBe(true);
  });

  it("lets other failures through, so the last sheet stays", async () => {
    vi.stubGlobal("fetch", answer(500, { detail: "boom" }));
    await expect(loadCues(1)).rejects.toThrow("boom");
  });
});

describe("the clocks", () => {
  const place = () => {
    const wall = document.createElement("time");
    const show = document.createElement("span");
    const idle = document.createElement("p");
    return { wall, show, idle };
  };

  it("show the wall clock alone until on air, then T+ beside it", () => {
    const header = place();
    const view = new ShowClockView([header]);
    const now = Date.parse("2026-02-08T20:10:00Z");
    view.tick(now);
    expect(header.wall.textContent).toMatch(/^\d\d:\d\d:\d\d$/u);
    expect(header.show.hidden).toBe(true);
    expect(header.idle.hidden).toBe(false);
    view.set({ onAirAt: Date.parse("2026-02-08T20:00:00Z"), offAirAt: null }, now);
    expect(header.show.hidden).toBe(false);
    expect(header.show.textContent).toBe("T+00:10:00");
    expect(header.idle.hidden).toBe(true);
  });
});
