import { describe, expect, it } from "vitest";
import type { TeamClaim } from "../triage/team-claims";
import { TeamClaimsView } from "./team-claims-view";

const claim = (id: number, holder: string, receivedAt: number): TeamClaim => ({
  mentionId: id,
  holder: { username: holder, display_name: holder[0]?.toUpperCase() + holder.slice(1) },
  fence: 1,
  receivedAt,
  claimedAt: null,
  handle: `@fan${id}`,
  text: `Mention ${id}`,
});

describe("the team's claims", () => {
  it("says who holds each, how long it waited, and picks it on a click", () => {
    document.body.innerHTML = '<span id="c"></span><ol id="l"></ol><p id="e"></p>';
    const picked: number[] = [];
    const view = new TeamClaimsView(
      {
        list: document.getElementById("l") as HTMLElement,
        count: document.getElementById("c") as HTMLElement,
        empty: document.getElementById("e") as HTMLElement,
      },
      "olive",
      (id) => picked.push(id),
    );
    view.render([claim(1, "quinn", 0), claim(2, "olive", 50_000)], 75_000);
    const rows = [...document.querySelectorAll<HTMLButtonElement>(".team-claim")];
    expect(rows.map((row) => row.querySelector(".team-claim-holder")?.textContent)).toEqual([
      "Held by Quinn",
      "Held by You",
    ]);
    expect(rows[0]?.querySelector(".claim-left")?.textContent).toBe("waiting 1:15");
    view.tick(6 * 60_000);
    expect(rows[0]?.classList.contains("is-urgent")).toBe(true);
    rows[1]?.click();
    expect(picked).toEqual([2]);
    expect(document.getElementById("c")?.textContent).toBe("2");
    expect((document.getElementById("e") as HTMLElement).hidden).toBe(true);
  });
});
